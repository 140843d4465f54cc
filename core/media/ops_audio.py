"""Audio: clean-up (hum cut, FFT noise reduction, loudness normalisation, volume) and a soundtrack
(another file, e.g. a voice, replacing or mixed under the clip's own sound)."""

from __future__ import annotations

from dataclasses import dataclass

from core.media.graph import Graph, StreamState, num
from core.media.op_base import BuildContext, Op, in_range, register, require

SOUNDTRACK_MODES = ("replace", "mix")
TRACK_FORMAT = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"


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


@register
@dataclass(frozen=True)
class Soundtrack(Op):
    """Put another audio file (a voice, music) on the clip: `replace` its sound, or `mix` it under
    the clip's own sound (lowered by `original_db`). The new track is cut or padded with silence to
    the clip's length; `volume_db` sets its level."""

    kind = "soundtrack"
    audio: str
    mode: str = "replace"
    volume_db: float = 0.0
    original_db: float = -6.0

    def __post_init__(self) -> None:
        require(self.mode in SOUNDTRACK_MODES, f"Unknown soundtrack mode {self.mode!r}.",
                f"Use one of: {', '.join(SOUNDTRACK_MODES)}.")
        in_range("soundtrack volume (dB)", self.volume_db, -30.0, 30.0)
        in_range("original sound level (dB)", self.original_db, -60.0, 0.0)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        info = ctx.clip_info(self.audio)
        require(info.has_audio, "The soundtrack file has no sound.", "Pick an audio file or a voice.")
        index = graph.add_input(["-i", str(self.audio)])
        track = graph.label("t")
        graph.chain(f"[{index}:a:0]{TRACK_FORMAT},volume={num(self.volume_db)}dB,apad,"
                    f"atrim=duration={num(state.duration)},asetpts=PTS-STARTPTS[{track}]")
        video = graph.take_video()
        if self.mode == "mix" and state.has_audio:
            graph.af(TRACK_FORMAT, f"volume={num(self.original_db)}dB")
            mixed = graph.label("a")
            graph.chain(f"[{graph.take_audio()}][{track}]amix=inputs=2:duration=first:normalize=0[{mixed}]")
            track = mixed
        graph.set_streams(video, track)
        return state.but(has_audio=True)
