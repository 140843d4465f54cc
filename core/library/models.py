"""SQLModel tables: assets (with tags and collections), jobs and the usage ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import Index
from sqlmodel import JSON, Column, Field, SQLModel


def new_id() -> str:
    return uuid4().hex[:16]


def utcnow() -> datetime:
    return datetime.now(UTC)


class JobStatus(StrEnum):
    QUEUED = "queued"
    SUBMITTING = "submitting"
    RUNNING = "running"
    DOWNLOADING = "downloading"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_ATTENTION = "needs-attention"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.NEEDS_ATTENTION)


class Asset(SQLModel, table=True):
    """A media file in the library, with where it came from and what it cost."""

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    title: str = ""
    path: str
    mime: str
    size_bytes: int
    duration_s: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    has_audio: bool = False
    video_codec: str = ""
    poster_path: str | None = None
    operation: str = Field(index=True)
    provider: str = ""
    model: str = ""
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON))
    prompt: str = ""
    parent_id: str | None = Field(default=None, foreign_key="asset.id", index=True)
    job_id: str | None = Field(default=None, index=True)
    estimate_usd: float = 0.0
    actual_usd: float = 0.0
    tags: list = Field(default_factory=list, sa_column=Column(JSON))
    deleted: bool = False
    created_at: datetime = Field(default_factory=utcnow, index=True)
    # Added for the library's search, filters and reuse (older databases get them with defaults).
    notes: str = Field(default="", sa_column_kwargs={"server_default": ""})
    template: str = Field(default="", sa_column_kwargs={"server_default": ""})
    platform: str = Field(default="", sa_column_kwargs={"server_default": ""})
    aspect: str = Field(default="", sa_column_kwargs={"server_default": ""})
    content_hash: str = Field(default="", sa_column_kwargs={"server_default": ""})
    reuse_key: str | None = None

    __table_args__ = (
        Index("ix_asset_owner_created", "owner", "created_at"),
        Index("ix_asset_owner_reuse", "owner", "reuse_key"),
    )


class AssetTag(SQLModel, table=True):
    """One tag on one asset; `auto` when the studio added it from what it knows."""

    __tablename__ = "asset_tag"

    asset_id: str = Field(foreign_key="asset.id", primary_key=True)
    tag: str = Field(primary_key=True)
    auto: bool = False

    __table_args__ = (Index("ix_asset_tag_tag", "tag", "asset_id"),)


class Collection(SQLModel, table=True):
    """A named set of one owner's assets (a project)."""

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    name: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CollectionItem(SQLModel, table=True):
    __tablename__ = "collection_item"

    collection_id: str = Field(foreign_key="collection.id", primary_key=True)
    asset_id: str = Field(foreign_key="asset.id", primary_key=True, index=True)
    added_at: datetime = Field(default_factory=utcnow)


class Job(SQLModel, table=True):
    """A unit of work run by the core's workers; survives restarts."""

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    kind: str
    group_id: str | None = Field(default=None, index=True)
    status: str = Field(default=JobStatus.QUEUED, index=True)
    operation: str = ""
    provider: str = ""
    model: str = ""
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    task_id: str | None = None
    submitted_at: datetime | None = None
    progress: float = 0.0
    eta_s: float | None = None
    message: str = ""
    error: str = ""
    error_code: str = ""
    asset_ids: list = Field(default_factory=list, sa_column=Column(JSON))
    estimate_usd: float = 0.0
    actual_usd: float | None = None
    attempts: int = 0
    cancel_requested: bool = False
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # The multi-process queue's hold on the row (core/jobs/lease.py; the in-process runner leaves
    # them empty): the worker running the job's step and until when (renewed while it lives), and
    # the token and due time of the one message allowed to run its next step.
    claimed_by: str | None = None
    lease_until: datetime | None = None
    step_token: str | None = None
    step_due: datetime | None = None


class LedgerState(StrEnum):
    """reserved -> exactly one of the others. `unknown` may still become charged or refunded when
    the provider's answer is fetched later (a retry); the others are final."""

    RESERVED = "reserved"  # money held for a run not finished (the most it may cost)
    CHARGED = "charged"  # the run happened and cost `actual_usd`
    REFUNDED = "refunded"  # sent, but the provider failed it and refunds it
    RELEASED = "released"  # never sent: nothing was or will be billed
    UNKNOWN = "unknown"  # sent (or maybe sent) and possibly billed: stays counted


class LedgerEntry(SQLModel, table=True):
    """One paid run: the most it may cost (reserved), what it really cost, and how it ended."""

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    job_id: str = Field(index=True)
    kind: str = Field(default="run", sa_column_kwargs={"server_default": "run"})  # "run" or "prompt" (a helper)
    provider: str
    model: str
    month: str = Field(index=True)
    estimate_usd: float
    actual_usd: float | None = None
    state: str = Field(default=LedgerState.RESERVED, index=True)
    verified_price: bool = False
    note: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    settled_at: datetime | None = None
