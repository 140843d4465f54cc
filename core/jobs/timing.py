"""How long a provider job should take, from its model's latency class, and when to give up waiting.

A job's deadline is `factor x slowest + margin` from its submit (or its latest retry), where
`slowest` is the longest wall time the model's latency class documents for this output length
(`latency.max_per_output_s`: avatar models take 10-30 s per output second): hours for a
10-minute avatar, never unbounded.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from core.contracts import ModelSpec
from core.library.models import Job, utcnow


def expected_s(job: Job, model: ModelSpec) -> float:
    """Typical wall time the model's latency class predicts for this job's output length (ETAs)."""
    return max(model.latency.expected_s(output_s(job, model)), 1.0)


def slowest_s(job: Job, model: ModelSpec) -> float:
    """The longest wall time documented for this job's output length (deadlines)."""
    return max(model.latency.slowest_s(output_s(job, model)), 1.0)


def output_s(job: Job, model: ModelSpec) -> float:
    """Seconds of output this job makes: asked, measured, or the longest the model bills."""
    request = job.payload.get("request", {})
    caps = model.capabilities
    source = getattr(caps, caps.duration_from, None) if caps.duration_from in ("audio", "video") else None
    longest = model.price.max_billed_s or (source.max_s if source else None)
    return next((float(v) for v in (request.get("duration"), request.get("input_duration"), longest,
                                    model.default_duration) if is_finite(v) and float(v) > 0), 5.0)


def started(job: Job) -> datetime:
    """When the wait began: the submit, or the latest retry."""
    return when(job.payload.get("retried_at")) or aware(job.submitted_at or job.created_at or utcnow())


def deadline(job: Job, model: ModelSpec, factor: float, margin_s: float) -> datetime:
    return started(job) + timedelta(seconds=factor * slowest_s(job, model) + margin_s)


def is_finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def finite(value, default: float, ceiling: float) -> float:
    """`value` clamped to [0, ceiling], or `default` when it is not a finite number."""
    return min(max(float(value), 0.0), ceiling) if is_finite(value) else default


def when(value) -> datetime | None:
    try:
        return aware(datetime.fromisoformat(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def duration_words(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min" if seconds < 7200 \
        else f"{seconds / 3600:.1f} h"
