"""Creative templates and motion presets, read from data/ into typed objects."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from core.errors import InvalidInput, NotFound
from core.settings import DATA_DIR

TEMPLATES_FILE = DATA_DIR / "templates.toml"
PRESETS_FILE = DATA_DIR / "presets.toml"
SUBJECT = "{subject}"
ASPECTS = ("16:9", "9:16", "1:1", "4:5", "5:4", "4:3", "3:4", "21:9")
HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

Easing = Literal["linear", "ease-in", "ease-out", "ease-in-out"]


class CardStyle(BaseModel):
    """How the offline storyboard card of a template looks."""

    model_config = ConfigDict(frozen=True)

    background: tuple[HexColour, ...] = Field(min_length=2, max_length=4)
    accent: HexColour
    text: HexColour
    weight: Literal["regular", "bold"] = "bold"
    layout: Literal["center", "left", "lower-third"] = "center"


class Template(BaseModel):
    """A creative template: prompt scaffold, suggested shape, negative prompt, card style."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str
    scaffold: str
    duration: float = Field(gt=0, le=60)
    aspect: str
    fps: Literal[24, 30] = 30
    motion: str = "subtle"
    negative_prompt: str = ""
    card: CardStyle

    @field_validator("scaffold")
    @classmethod
    def _subject_first(cls, scaffold: str) -> str:
        if not scaffold.startswith(SUBJECT):
            raise ValueError(f"the scaffold must start with {SUBJECT} so the creator's words come first")
        return scaffold

    @field_validator("aspect")
    @classmethod
    def _known_aspect(cls, aspect: str) -> str:
        if aspect not in ASPECTS:
            raise ValueError(f"aspect {aspect!r} is not one of {', '.join(ASPECTS)}")
        return aspect

    @property
    def cues(self) -> list[str]:
        """The scaffold's phrases after {subject}, in order."""
        tail = self.scaffold[len(SUBJECT):]
        return [part.strip() for part in tail.split(",") if part.strip()]


class MotionPreset(BaseModel):
    """How far and how the camera travels over a still."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str
    zoom: float = Field(ge=0, le=1)
    pan: float = Field(ge=0, lt=0.5)
    easing: Easing = "ease-in-out"
    move: str


class CameraMove(BaseModel):
    """A named move; each pair is [start, end] in units of the preset's zoom or pan."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str
    zoom: tuple[float, float] = (0.0, 0.0)
    pan_x: tuple[float, float] = (0.0, 0.0)
    pan_y: tuple[float, float] = (0.0, 0.0)
    seeded_direction: bool = False

    @property
    def still(self) -> bool:
        return all(start == end for start, end in (self.zoom, self.pan_x, self.pan_y))


@cache
def load_templates(path: Path = TEMPLATES_FILE) -> dict[str, Template]:
    """Every template by id, in file order."""
    table = _read_toml(path).get("templates", {})
    return {key: _build(Template, path, id=key, **value) for key, value in table.items()}


@cache
def load_motion_presets(path: Path = PRESETS_FILE) -> dict[str, MotionPreset]:
    """Motion presets (subtle, medium, dynamic) by id."""
    presets = {key: _build(MotionPreset, path, id=key, **value)
               for key, value in _read_toml(path).get("motion", {}).items()}
    moves = load_camera_moves(path)
    for preset in presets.values():
        if preset.move not in moves:
            raise InvalidInput(f"{path.name}: motion preset {preset.id!r} names an unknown move "
                               f"{preset.move!r}.",
                               f"Use one of: {', '.join(moves)}.")
    return presets


@cache
def load_camera_moves(path: Path = PRESETS_FILE) -> dict[str, CameraMove]:
    """Named camera moves (push-in, pan-left, ken-burns ...) by id."""
    return {key: _build(CameraMove, path, id=key, **value)
            for key, value in _read_toml(path).get("moves", {}).items()}


def get_template(template_id: str) -> Template:
    """The template with this id, or NotFound listing the ids that exist."""
    return _lookup(load_templates(), template_id, "template")


def get_motion_preset(preset_id: str) -> MotionPreset:
    return _lookup(load_motion_presets(), preset_id, "motion preset")


def get_camera_move(move_id: str) -> CameraMove:
    return _lookup(load_camera_moves(), move_id, "camera move")


def resolve_motion(motion: str | None, camera: str | None = None,
                   default: str = "medium") -> tuple[MotionPreset, CameraMove]:
    """Turn a request's motion field into (preset, move).

    `motion` may name a preset ("subtle") or a camera move ("pan-left", which then uses the
    `default` preset's amounts); `camera` (optional) overrides the preset's own move.
    """
    presets, moves = load_motion_presets(), load_camera_moves()
    name = (motion or default).strip().lower()
    if name in presets:
        preset, move_id = presets[name], presets[name].move
    elif name in moves:
        preset, move_id = presets[default], name
    else:
        raise NotFound(f"There is no motion preset or camera move called {name!r}.",
                       f"Choose one of: {', '.join([*presets, *moves])}.")
    if camera:
        move_id = camera.strip().lower()
    return preset, get_camera_move(move_id)


def _lookup(items: dict, key: str, kind: str):
    try:
        return items[key]
    except KeyError:
        raise NotFound(f"There is no {kind} called {key!r}.", f"Choose one of: {', '.join(items)}.") from None


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"Could not read {path.name}: {exc}.", "Restore the shipped data file.") from exc


def _build(model: type[BaseModel], path: Path, **fields):
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{path.name}: entry {fields.get('id')!r} field {where}: {first['msg']}.",
                           "Fix the data file; the shipped version is valid.") from exc
