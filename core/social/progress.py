"""Per-platform progress of a pack, from the encoder's real position, split into phases."""

from __future__ import annotations

from collections.abc import Callable

from core.social.command import Job
from core.social.models import PackPlan

PackProgressFn = Callable[[str, float], None]  # (platform id, 0..1)
ANALYSIS_SHARE = 0.1  # of each platform's progress, when auto-focus needs its own pass
FINISH_SHARE = 0.1  # thumbnails, preview and checks


class PackProgress:
    """Per-platform progress from real encoder positions, split into phases."""

    def __init__(self, plan: PackPlan, callback: PackProgressFn | None) -> None:
        self.callback = callback
        auto = plan.request.focus == "auto"
        self.analysis_share = ANALYSIS_SHARE if auto else 0.0
        self.render_share = 1.0 - FINISH_SHARE - self.analysis_share
        self.ids = [p.id for p in plan.renderable]
        self.twins: dict[str, list[str]] = {}  # platform -> platforms sharing its encode
        self.last: dict[str, float] = {}

    def report(self, platform: str, fraction: float, cascade: bool = False) -> None:
        """Report a platform's progress (never backwards; steps of at least 1%, and the end)."""
        last = self.last.get(platform, -1.0)
        fraction = min(max(fraction, last), 1.0)
        if self.callback and (fraction - last >= 0.01 or (fraction == 1.0 and last < 1.0)):
            self.last[platform] = fraction
            self.callback(platform, fraction)
        if cascade:
            for twin in self.twins.get(platform, []):
                self.report(twin, fraction)

    def analysis(self, fraction: float, _label: str = "") -> None:
        for pid in self.ids:
            self.report(pid, fraction * self.analysis_share)

    def render(self, jobs: list[Job], longest: float, first_pass: bool = False):
        def on_progress(fraction: float, _label: str = "") -> None:
            seconds = fraction * longest
            for job in jobs:
                done = min(seconds / job.plan.duration_s, 1.0)
                if job.passlog:
                    done = done / 2 if first_pass else 0.5 + done / 2
                self.report(job.plan.id, self.analysis_share + done * self.render_share, cascade=True)
        return on_progress
