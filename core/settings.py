"""Runtime settings read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
FONTS_DIR = PROJECT_ROOT / "assets" / "fonts"


class Settings(BaseSettings):
    """Everything the core needs to know about this installation."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    home: Path = Field(default=Path(".studio_home"), alias="VIDEO_STUDIO_HOME")
    wavespeed_api_key: str | None = Field(default=None, alias="WAVESPEED_API_KEY")
    wavespeed_base_url: str = Field(default="https://api.wavespeed.ai", alias="WAVESPEED_BASE_URL")
    hf_token: str | None = Field(default=None, alias="HF_TOKEN")
    plan: str = Field(default="creator", alias="VIDEO_STUDIO_PLAN")
    default_user: str = Field(default="local", alias="VIDEO_STUDIO_USER")
    confirm_above_usd: float = Field(default=1.00, alias="VIDEO_STUDIO_CONFIRM_ABOVE_USD")
    workers: int = Field(default=4, alias="VIDEO_STUDIO_WORKERS")
    render_slots: int = Field(default=1, alias="VIDEO_STUDIO_RENDER_SLOTS")
    min_poll_s: float = Field(default=1.0, alias="VIDEO_STUDIO_MIN_POLL_S")
    max_poll_s: float = Field(default=10.0, alias="VIDEO_STUDIO_MAX_POLL_S")
    allow_paid: bool = Field(default=True, alias="VIDEO_STUDIO_ALLOW_PAID")
    max_download_mb: int = Field(default=2048, alias="VIDEO_STUDIO_MAX_DOWNLOAD_MB")
    link_secret: str | None = Field(default=None, alias="VIDEO_STUDIO_LINK_SECRET")
    cache_mb: float = Field(default=2000, gt=0, alias="VIDEO_STUDIO_CACHE_MB")

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
        return f"sqlite:///{self.home_dir / 'studio.db'}"


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
