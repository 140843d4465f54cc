"""Compare tables: a group (one compare or one sweep), its runs (one per model, or per grid cell), votes.

A run is a normal generation job (its own ledger row and reservation) or an earlier output
re-used at no cost. A vote is one append-only record: who voted, when, on which two outputs,
which models they were, and whether the voter could see the names (`blind`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import JSON, Column, Field, SQLModel

from core.library.models import new_id, utcnow


class CompareGroup(SQLModel, table=True):
    """One compare (a prompt on 2-4 models) or one sweep (prompts x seeds x models)."""

    __tablename__ = "compare_group"

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    kind: str = "compare"  # compare | sweep
    operation: str
    blind: bool = False
    prompt: str = ""
    inputs: dict = Field(default_factory=dict, sa_column=Column(JSON))  # image_id | photo_id + audio_id
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON))
    models: list = Field(default_factory=list, sa_column=Column(JSON))
    total_usd: float = 0.0
    max_usd: float = 0.0
    confirm_usd: float | None = None
    ceiling_usd: float | None = None
    shuffle_seed: int = 0  # sides and labels of blind mode derive from it
    created_at: datetime = Field(default_factory=utcnow, index=True)


class CompareRun(SQLModel, table=True):
    """One model's output in a group: a job of its own, or an earlier output re-used."""

    __tablename__ = "compare_run"

    id: str = Field(default_factory=new_id, primary_key=True)
    group_id: str = Field(index=True)
    owner: str = Field(index=True)
    position: int = 0
    model: str = Field(index=True)
    operation: str = ""
    prompt: str = ""
    seed: int | None = None
    request: dict = Field(default_factory=dict, sa_column=Column(JSON))
    adjusted: dict = Field(default_factory=dict, sa_column=Column(JSON))  # setting -> [asked, used]
    note: str = ""
    job_id: str | None = Field(default=None, index=True)
    asset_id: str | None = Field(default=None, index=True)
    reused: bool = False
    estimate_usd: float = 0.0
    max_usd: float = 0.0
    price_basis: str = "exact"
    blind_path: str | None = None  # a neutrally named link to the output, for blind mode
    created_at: datetime = Field(default_factory=utcnow)


class CompareVote(SQLModel, table=True):
    """One vote on two outputs. Only blind votes (names unseen when cast) feed the leaderboard."""

    __tablename__ = "compare_vote"

    id: str = Field(default_factory=new_id, primary_key=True)
    owner: str = Field(index=True)
    group_id: str = Field(index=True)
    a_asset_id: str
    b_asset_id: str
    a_model: str
    b_model: str
    winner: str  # a | b | tie | both_bad
    criterion: str = ""  # "" = overall; follows_prompt | motion | visual_quality | sound
    blind: bool = False
    operation: str = ""
    audio: bool | None = None  # both outputs with sound, both silent, or None when mixed
    prompt: str = ""
    created_at: datetime = Field(default_factory=utcnow, index=True)

    __table_args__ = (Index("ix_compare_vote_pool", "operation", "criterion", "blind"),)
