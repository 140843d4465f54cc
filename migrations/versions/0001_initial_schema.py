"""The initial schema: every table of the studio as it stood before migrations, the append-only
rule of the audit log, and the full-text search index (SQLite: FTS5; Postgres: tsvector + GIN).

Also adopts a studio made by the older `create_all` code: tables that exist are kept with their
rows, and only what is missing (tables, columns, indexes, the search index) is added.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateColumn

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

META = sa.MetaData()

sa.Table('account', META,
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=False),
    sa.Column('plan', sa.String(), nullable=True),
    sa.Column('budget_usd', sa.Float(), nullable=True),
    sa.Column('admin', sa.Boolean(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name'))

sa.Table('apitoken', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('token_hash', sa.String(), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'))

sa.Table('asset', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('path', sa.String(), nullable=False),
    sa.Column('mime', sa.String(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('fps', sa.Float(), nullable=False),
    sa.Column('has_audio', sa.Boolean(), nullable=False),
    sa.Column('video_codec', sa.String(), nullable=False),
    sa.Column('poster_path', sa.String(), nullable=True),
    sa.Column('operation', sa.String(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('model', sa.String(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=True),
    sa.Column('prompt', sa.String(), nullable=False),
    sa.Column('parent_id', sa.String(), nullable=True),
    sa.Column('job_id', sa.String(), nullable=True),
    sa.Column('estimate_usd', sa.Float(), nullable=False),
    sa.Column('actual_usd', sa.Float(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notes', sa.String(), server_default='', nullable=False),
    sa.Column('template', sa.String(), server_default='', nullable=False),
    sa.Column('platform', sa.String(), server_default='', nullable=False),
    sa.Column('aspect', sa.String(), server_default='', nullable=False),
    sa.Column('content_hash', sa.String(), server_default='', nullable=False),
    sa.Column('reuse_key', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['asset.id'], ),
    sa.PrimaryKeyConstraint('id'))

sa.Table('auditevent', META,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('asset_id', sa.String(), nullable=True),
    sa.Column('job_id', sa.String(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id'))

sa.Table('collection', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'))

sa.Table('compare_group', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('operation', sa.String(), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('prompt', sa.String(), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=True),
    sa.Column('models', sa.JSON(), nullable=True),
    sa.Column('total_usd', sa.Float(), nullable=False),
    sa.Column('max_usd', sa.Float(), nullable=False),
    sa.Column('confirm_usd', sa.Float(), nullable=True),
    sa.Column('ceiling_usd', sa.Float(), nullable=True),
    sa.Column('shuffle_seed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'))

sa.Table('compare_run', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(), nullable=False),
    sa.Column('operation', sa.String(), nullable=False),
    sa.Column('prompt', sa.String(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('request', sa.JSON(), nullable=True),
    sa.Column('adjusted', sa.JSON(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('job_id', sa.String(), nullable=True),
    sa.Column('asset_id', sa.String(), nullable=True),
    sa.Column('reused', sa.Boolean(), nullable=False),
    sa.Column('estimate_usd', sa.Float(), nullable=False),
    sa.Column('max_usd', sa.Float(), nullable=False),
    sa.Column('price_basis', sa.String(), nullable=False),
    sa.Column('blind_path', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'))

sa.Table('compare_vote', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('a_asset_id', sa.String(), nullable=False),
    sa.Column('b_asset_id', sa.String(), nullable=False),
    sa.Column('a_model', sa.String(), nullable=False),
    sa.Column('b_model', sa.String(), nullable=False),
    sa.Column('winner', sa.String(), nullable=False),
    sa.Column('criterion', sa.String(), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('operation', sa.String(), nullable=False),
    sa.Column('audio', sa.Boolean(), nullable=True),
    sa.Column('prompt', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'))

sa.Table('job', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('operation', sa.String(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('model', sa.String(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('task_id', sa.String(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('eta_s', sa.Float(), nullable=True),
    sa.Column('message', sa.String(), nullable=False),
    sa.Column('error', sa.String(), nullable=False),
    sa.Column('error_code', sa.String(), nullable=False),
    sa.Column('asset_ids', sa.JSON(), nullable=True),
    sa.Column('estimate_usd', sa.Float(), nullable=False),
    sa.Column('actual_usd', sa.Float(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('step_token', sa.String(), nullable=True),
    sa.Column('step_due', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'))

sa.Table('ledgerentry', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('job_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), server_default='run', nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('model', sa.String(), nullable=False),
    sa.Column('month', sa.String(), nullable=False),
    sa.Column('estimate_usd', sa.Float(), nullable=False),
    sa.Column('actual_usd', sa.Float(), nullable=True),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('verified_price', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'))

sa.Table('policysetting', META,
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('updated_by', sa.String(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key'))

sa.Table('sharelink', META,
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('asset_id', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'))

sa.Table('asset_tag', META,
    sa.Column('asset_id', sa.String(), nullable=False),
    sa.Column('tag', sa.String(), nullable=False),
    sa.Column('auto', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], ),
    sa.PrimaryKeyConstraint('asset_id', 'tag'))

sa.Table('collection_item', META,
    sa.Column('collection_id', sa.String(), nullable=False),
    sa.Column('asset_id', sa.String(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], ),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], ),
    sa.PrimaryKeyConstraint('collection_id', 'asset_id'))

INDEXES = [  # (table, name, columns, unique)
    ('apitoken', 'ix_apitoken_owner', ['owner'], False),
    ('apitoken', 'ix_apitoken_token_hash', ['token_hash'], True),
    ('asset', 'ix_asset_created_at', ['created_at'], False),
    ('asset', 'ix_asset_job_id', ['job_id'], False),
    ('asset', 'ix_asset_operation', ['operation'], False),
    ('asset', 'ix_asset_owner', ['owner'], False),
    ('asset', 'ix_asset_owner_created', ['owner', 'created_at'], False),
    ('asset', 'ix_asset_owner_reuse', ['owner', 'reuse_key'], False),
    ('asset', 'ix_asset_parent_id', ['parent_id'], False),
    ('auditevent', 'ix_auditevent_action', ['action'], False),
    ('auditevent', 'ix_auditevent_actor', ['actor'], False),
    ('auditevent', 'ix_auditevent_asset_id', ['asset_id'], False),
    ('auditevent', 'ix_auditevent_at', ['at'], False),
    ('auditevent', 'ix_auditevent_job_id', ['job_id'], False),
    ('collection', 'ix_collection_owner', ['owner'], False),
    ('compare_group', 'ix_compare_group_created_at', ['created_at'], False),
    ('compare_group', 'ix_compare_group_owner', ['owner'], False),
    ('compare_run', 'ix_compare_run_asset_id', ['asset_id'], False),
    ('compare_run', 'ix_compare_run_group_id', ['group_id'], False),
    ('compare_run', 'ix_compare_run_job_id', ['job_id'], False),
    ('compare_run', 'ix_compare_run_model', ['model'], False),
    ('compare_run', 'ix_compare_run_owner', ['owner'], False),
    ('compare_vote', 'ix_compare_vote_created_at', ['created_at'], False),
    ('compare_vote', 'ix_compare_vote_group_id', ['group_id'], False),
    ('compare_vote', 'ix_compare_vote_owner', ['owner'], False),
    ('compare_vote', 'ix_compare_vote_pool', ['operation', 'criterion', 'blind'], False),
    ('job', 'ix_job_created_at', ['created_at'], False),
    ('job', 'ix_job_group_id', ['group_id'], False),
    ('job', 'ix_job_owner', ['owner'], False),
    ('job', 'ix_job_status', ['status'], False),
    ('ledgerentry', 'ix_ledgerentry_job_id', ['job_id'], False),
    ('ledgerentry', 'ix_ledgerentry_month', ['month'], False),
    ('ledgerentry', 'ix_ledgerentry_owner', ['owner'], False),
    ('ledgerentry', 'ix_ledgerentry_state', ['state'], False),
    ('sharelink', 'ix_sharelink_asset_id', ['asset_id'], False),
    ('sharelink', 'ix_sharelink_owner', ['owner'], False),
    ('asset_tag', 'ix_asset_tag_tag', ['tag', 'asset_id'], False),
    ('collection_item', 'ix_collection_item_asset_id', ['asset_id'], False),
]

for _table, _name, _columns, _unique in INDEXES:
    sa.Index(_name, *(META.tables[_table].c[c] for c in _columns), unique=_unique)

SQLITE_AUDIT_RULES = [
    "CREATE TRIGGER IF NOT EXISTS auditevent_no_update BEFORE UPDATE ON auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS auditevent_no_delete BEFORE DELETE ON auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]
POSTGRES_AUDIT_RULES = [
    "CREATE OR REPLACE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent",
    "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION auditevent_append_only()",
]


def upgrade() -> None:
    bind = op.get_bind()
    older = set(sa.inspect(bind).get_table_names()) & set(META.tables)
    META.create_all(bind, checkfirst=True)  # new tables, with their indexes
    if older:  # a studio from before migrations
        _add_missing(bind, older)
    for statement in SQLITE_AUDIT_RULES if bind.dialect.name == "sqlite" else POSTGRES_AUDIT_RULES:
        bind.exec_driver_sql(statement)
    from core.library.text_index import index_for

    index_for(bind).install(bind)


def _add_missing(bind, older: set[str]) -> None:
    """Columns and indexes an older studio's tables lack (additions only: rows are kept)."""
    found = sa.inspect(bind)
    for table in (t for t in META.sorted_tables if t.name in older):
        present = {c["name"] for c in found.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                ddl = CreateColumn(column).compile(dialect=bind.dialect)
                bind.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")
    for table, name, columns, unique in INDEXES:
        if table in older:
            op.create_index(name, table, columns, unique=unique, if_not_exists=True)


def downgrade() -> None:
    raise NotImplementedError("The initial schema is not taken down; restore a backup instead.")
