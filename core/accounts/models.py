"""SQLModel tables for accounts: people, API tokens, team policy, the audit log and share links."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import JSON, Column, Field, SQLModel

from core.library.models import new_id, utcnow


class Account(SQLModel, table=True):
    """One person. `password_hash` is empty for accounts that sign in with Hugging Face."""

    name: str = Field(primary_key=True)
    password_hash: str = ""
    plan: str | None = None  # None: the installation's plan (VIDEO_STUDIO_PLAN)
    budget_usd: float | None = None  # None: the plan's monthly budget
    admin: bool = False
    disabled: bool = False
    source: str = "password"  # password | hf | local
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A per-account API token. Only its SHA-256 is stored; the token is shown once."""

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    token_hash: str = Field(index=True, unique=True)
    label: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """One thing someone did. Rows are only ever added (a trigger refuses updates and deletes)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(index=True)
    action: str = Field(index=True)
    asset_id: str | None = Field(default=None, index=True)
    job_id: str | None = Field(default=None, index=True)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON))


class ShareLink(SQLModel, table=True):
    """A governed link to one asset: it works without login until it expires or is revoked."""

    id: str = Field(default_factory=new_id, primary_key=True)
    asset_id: str = Field(index=True)
    owner: str = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    downloads: int = 0


class PolicySetting(SQLModel, table=True):
    """One team-policy value (a small key/value table, so new switches need no migration)."""

    key: str = Field(primary_key=True)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON))
    updated_by: str = ""
    updated_at: datetime = Field(default_factory=utcnow)
