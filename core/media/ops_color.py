"""Look ops: colour grade presets, 3D LUTs, colour enhance, denoise and sharpen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.media.graph import Graph, StreamState, escape_value, num
from core.media.op_base import BuildContext, Op, in_range, register, require

# warm/cool are a white-balance shift of the chroma planes: done in YUV with a lookup table,
# they cost almost nothing (colorbalance would convert every frame to RGB and back).
GRADE_PRESETS: dict[str, tuple[str, ...]] = {
    "none": (),
    "warm": ("lutyuv=u=val-4:v=val+4",),
    "cool": ("lutyuv=u=val+4:v=val-4",),
    "teal-orange": ("colorbalance=rs=-0.1:gs=0.02:bs=0.1:rh=0.1:gh=0.02:bh=-0.1", "eq=saturation=1.1"),
    "vintage": ("curves=preset=vintage", "eq=saturation=0.85"),
    "bw": ("hue=s=0",),
    "vivid": ("eq=contrast=1.08:saturation=1.35",),
}


def eq_filter(brightness: float = 0.0, contrast: float = 1.0, saturation: float = 1.0,
              gamma: float = 1.0) -> str:
    """An eq filter with only the settings that differ from neutral ('' when all are neutral)."""
    parts = [f"{name}={num(value)}" for name, value, neutral in (
        ("brightness", brightness, 0.0), ("contrast", contrast, 1.0),
        ("saturation", saturation, 1.0), ("gamma", gamma, 1.0)) if value != neutral]
    return "eq=" + ":".join(parts) if parts else ""


@register
@dataclass(frozen=True)
class ColorGrade(Op):
    """A named look plus manual brightness (-1..1), contrast (0..2), saturation (0..3), gamma (0.1..10)."""

    kind = "color_grade"
    preset: str = "none"
    brightness: float = 0.0
    contrast: float = 1.0
    saturation: float = 1.0
    gamma: float = 1.0

    def __post_init__(self) -> None:
        require(self.preset in GRADE_PRESETS, f"Unknown colour preset {self.preset!r}.",
                f"Use one of: {', '.join(GRADE_PRESETS)}.")
        in_range("brightness", self.brightness, -1.0, 1.0)
        in_range("contrast", self.contrast, 0.0, 2.0)
        in_range("saturation", self.saturation, 0.0, 3.0)
        in_range("gamma", self.gamma, 0.1, 10.0)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        graph.vf(*GRADE_PRESETS[self.preset],
                 eq_filter(self.brightness, self.contrast, self.saturation, self.gamma))
        return state


@register
@dataclass(frozen=True)
class Lut(Op):
    """Apply a 3D LUT from a .cube file (lut3d, tetrahedral interpolation)."""

    kind = "lut"
    path: str

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        cube = Path(self.path)
        require(cube.suffix.lower() == ".cube", f"{cube.name} is not a .cube LUT file.",
                "Export the look as a .cube 3D LUT.")
        require(cube.is_file(), f"The LUT file {cube.name} does not exist.", "Choose the LUT again.")
        head = cube.read_text(errors="replace")[:20000]
        require("LUT_3D_SIZE" in head, f"{cube.name} is not a 3D LUT (no LUT_3D_SIZE line).",
                "Use a 3D .cube LUT; 1D LUTs are not supported.")
        graph.vf(f"lut3d=file={escape_value(cube.resolve())}:interp=tetrahedral")
        return state


@register
@dataclass(frozen=True)
class ColorEnhance(Op):
    """Livelier colour. look='natural': vibrance and a touch of contrast. look='hdr-look': an SDR
    tone look (lifted shadows, local contrast, vibrance) - it does not make HDR video; the
    output stays 8-bit BT.709 SDR like every other output."""

    kind = "color_enhance"
    amount: float = 0.5
    look: str = "natural"

    def __post_init__(self) -> None:
        in_range("amount", self.amount, 0.0, 1.0)
        require(self.look in ("natural", "hdr-look"), f"Unknown enhance look {self.look!r}.",
                "Use 'natural' or 'hdr-look'.")

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        a = self.amount
        if self.look == "natural":
            graph.vf(f"vibrance=intensity={num(0.5 * a)}", eq_filter(contrast=1 + 0.08 * a))
        else:
            shadows, mids = 0.2 + 0.08 * a, 0.8 + 0.02 * a
            graph.vf(f"curves=m='0/0 0.2/{num(shadows)} 0.8/{num(mids)} 1/1'",
                     f"unsharp=13:13:{num(0.6 * a)}:5:5:0",
                     f"vibrance=intensity={num(0.35 * a)}")
        return state


@register
@dataclass(frozen=True)
class Denoise(Op):
    """Reduce grain and sensor noise (hqdn3d). strength 1 (light) .. 10 (heavy, smears detail)."""

    kind = "denoise"
    strength: float = 4.0

    def __post_init__(self) -> None:
        in_range("denoise strength", self.strength, 1.0, 10.0)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        s = self.strength
        graph.vf(f"hqdn3d={num(s)}:{num(0.75 * s)}:{num(1.5 * s)}:{num(1.1 * s)}")
        return state


@register
@dataclass(frozen=True)
class Sharpen(Op):
    """Crisper detail. method 'unsharp' (classic mask) or 'cas' (contrast adaptive); amount 0..1."""

    kind = "sharpen"
    amount: float = 0.5
    method: str = "unsharp"

    def __post_init__(self) -> None:
        in_range("sharpen amount", self.amount, 0.0, 1.0)
        require(self.method in ("unsharp", "cas"), f"Unknown sharpen method {self.method!r}.",
                "Use 'unsharp' or 'cas'.")

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        if self.method == "cas":
            graph.vf(f"cas=strength={num(self.amount)}")
        else:
            graph.vf(f"unsharp=5:5:{num(1.5 * self.amount)}:5:5:0")
        return state
