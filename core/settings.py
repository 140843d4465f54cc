"""Runtime settings read from the environment (and an optional .env file)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
FONTS_DIR = PROJECT_ROOT / "assets" / "fonts"
QUEUE_SCHEMES = ("redis://", "rediss://", "unix://")


class Settings(BaseSettings):
    """Everything the core needs to know about this installation."""

    # Only the documented variable names are read (no populate_by_name: the field `home` would
    # otherwise be read from $HOME and the studio would write into the user's home folder).
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    home: Path = Field(default_factory=lambda: _space_default(Path("/data"), Path(".studio_home")),
                       alias="VIDEO_STUDIO_HOME")
    wavespeed_api_key: str | None = Field(default=None, alias="WAVESPEED_API_KEY")
    wavespeed_base_url: str = Field(default="https://api.wavespeed.ai", alias="WAVESPEED_BASE_URL")
    hf_token: str | None = Field(default=None, alias="HF_TOKEN")
    plan: str = Field(default="creator", alias="VIDEO_STUDIO_PLAN")
    default_user: str = Field(default="local", alias="VIDEO_STUDIO_USER")
    confirm_above_usd: float = Field(default=1.00, ge=0, allow_inf_nan=False, alias="VIDEO_STUDIO_CONFIRM_ABOVE_USD")
    team_budget_usd: float | None = Field(default=None, ge=0, allow_inf_nan=False,
                                          alias="VIDEO_STUDIO_TEAM_BUDGET_USD")
    workers: int = Field(default=4, alias="VIDEO_STUDIO_WORKERS")
    render_slots: int = Field(default=1, alias="VIDEO_STUDIO_RENDER_SLOTS")
    min_poll_s: float = Field(default=1.0, gt=0, le=3600, allow_inf_nan=False, alias="VIDEO_STUDIO_MIN_POLL_S")
    max_poll_s: float = Field(default=10.0, gt=0, le=3600, allow_inf_nan=False, alias="VIDEO_STUDIO_MAX_POLL_S")
    allow_paid: bool = Field(default=True, alias="VIDEO_STUDIO_ALLOW_PAID")
    max_download_mb: int = Field(default=2048, alias="VIDEO_STUDIO_MAX_DOWNLOAD_MB")
    max_fetch_mb: int = Field(default=500, alias="VIDEO_STUDIO_MAX_FETCH_MB")
    link_secret: str | None = Field(default=None, alias="VIDEO_STUDIO_LINK_SECRET")
    cache_mb: float = Field(default=2000, gt=0, alias="VIDEO_STUDIO_CACHE_MB")
    max_import_mb: int = Field(default=2048, gt=0, alias="VIDEO_STUDIO_MAX_IMPORT_MB")
    # Accounts and team hosting (see README, "Host it for your team").
    auth: Literal["none", "password", "hf"] = Field(default_factory=lambda: "hf" if _on_space() else "none",
                                                    alias="VIDEO_STUDIO_AUTH")
    allow_open: bool = Field(default=False, alias="VIDEO_STUDIO_ALLOW_OPEN")
    team_budget_usd: float | None = Field(default=None, ge=0, allow_inf_nan=False,
                                          alias="VIDEO_STUDIO_TEAM_BUDGET_USD")
    admins: str = Field(default="", alias="VIDEO_STUDIO_ADMINS")
    hf_org: str | None = Field(default=None, alias="VIDEO_STUDIO_HF_ORG")
    # Jobs: in this process (default), or on Huey over Redis with `python app.py worker` processes.
    queue: str = Field(default="", alias="VIDEO_STUDIO_QUEUE")
    lease_s: float = Field(default=20.0, ge=2, le=600, allow_inf_nan=False, alias="VIDEO_STUDIO_LEASE_S")

    @field_validator("queue")
    @classmethod
    def _queue_url(cls, value: str) -> str:
        value = value.strip()
        if value.lower() in ("", "inprocess", "in-process"):
            return ""
        if not value.startswith(QUEUE_SCHEMES):
            raise ValueError("use a Redis URL (redis://host:6379/0) or leave it empty for in-process jobs")
        return value

    # Past one machine (docs/scale.md): the database and the media store, by URL.
    database_url: str | None = Field(default=None, alias="VIDEO_STUDIO_DATABASE_URL")
    media_url: str | None = Field(default=None, alias="VIDEO_STUDIO_MEDIA_URL")

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError("VIDEO_STUDIO_DATABASE_URL must be a postgresql+psycopg://user:password@host:port/db "
                             "URL (or sqlite:///path); leave it unset for the studio's own SQLite file.")
        return value or None

    @field_validator("media_url")
    @classmethod
    def _media(cls, value: str | None) -> str | None:
        if value and not (value.startswith("s3://") and len(value) > len("s3://")):
            raise ValueError("VIDEO_STUDIO_MEDIA_URL must be an s3://bucket/prefix URL (endpoint and keys from "
                             "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); leave it unset for the "
                             "home folder.")
        return value or None

    @property
    def admin_names(self) -> set[str]:
        """Accounts that are admins whatever their row says (how a Space gets its first admin)."""
        return {name.strip() for name in self.admins.split(",") if name.strip()}

    @cached_property
    def home_dir(self) -> Path:
        """Absolute runtime folder, created on first use."""
        path = self.home.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def media_dir(self) -> Path:
        return _ensure(self.home_dir / "media")

    @property
    def work_dir(self) -> Path:
        """Scratch space for renders in progress (same filesystem as media for atomic moves)."""
        return _ensure(self.home_dir / "work")

    @property
    def cache_dir(self) -> Path:
        return _ensure(self.home_dir / "cache")

    @property
    def db_url(self) -> str:
        """VIDEO_STUDIO_DATABASE_URL (e.g. postgresql+psycopg://...), else the SQLite file in the home."""
        return self.database_url or f"sqlite:///{self.home_dir / 'studio.db'}"


def _on_space() -> bool:
    """Running on a Hugging Face Space (which listens on 0.0.0.0): sign-in defaults to Hugging Face."""
    return bool(os.environ.get("SPACE_ID"))


def _space_default(space_path: Path, default: Path) -> Path:
    """On a Space, the mounted storage at /data when one is attached; the local folder otherwise."""
    return space_path if _on_space() and space_path.is_dir() and os.access(space_path, os.W_OK) else default


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
