"""Audio clean-up: hum cut, FFT noise reduction, loudness normalisation and volume."""

from __future__ import annotations

from dataclasses import dataclass

from core.media.graph import Graph, StreamState, num
from core.media.op_base import BuildContext, Op, in_range, register, require


@register
@dataclass(frozen=True)
class AudioCleanup(Op):
    """Cleaner sound in the same pass. `noise_reduction` 0..1 drives afftdn (0 = off);
    `loudness_lufs` normalises with EBU R128 loudnorm (None = leave the level; -14 suits most
    social platforms); `volume_db` is a final gain; `highpass_hz` removes rumble (0 = off)."""

    kind = "audio_cleanup"
    loudness_lufs: float | None = -14.0
    noise_reduction: float = 0.5
    volume_db: float = 0.0
    highpass_hz: float = 80.0

    def __post_init__(self) -> None:
        if self.loudness_lufs is not None:
            in_range("loudness target (LUFS)", self.loudness_lufs, -40.0, -5.0)
        in_range("noise reduction", self.noise_reduction, 0.0, 1.0)
        in_range("volume (dB)", self.volume_db, -30.0, 30.0)
        in_range("high-pass (Hz)", self.highpass_hz, 0.0, 400.0)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        require(state.has_audio, "This clip has no sound to clean up.", "Remove the audio clean-up step.")
        filters: list[str] = []
        if self.highpass_hz:
            filters.append(f"highpass=f={num(self.highpass_hz)}")
        if self.noise_reduction:
            filters.append(f"afftdn=nr={num(6 + 24 * self.noise_reduction)}:nf=-30:tn=1")
        if self.loudness_lufs is not None:
            # One-pass (dynamic) loudnorm works at 192 kHz internally: resample back to 48 kHz.
            filters += [f"loudnorm=I={num(self.loudness_lufs)}:TP=-1.5:LRA=11", "aresample=48000"]
        if self.volume_db:
            filters.append(f"volume={num(self.volume_db)}dB")
        graph.af(*filters)
        return state
