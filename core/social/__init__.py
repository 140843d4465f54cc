"""Social Optimizer: one video, many platforms, one pack that each platform accepts as it is.

    plan = plan_pack(PackRequest(source=..., platforms=["tiktok", "x"]), probe(source))
    result = render_pack(plan, out_dir, on_progress=lambda platform, fraction: ...)
    zip_path = write_zip(result, out_dir / "pack.zip")
"""

from core.social.compliance import compliance
from core.social.models import (
    CaptionStyle,
    Check,
    PackPlan,
    PackRequest,
    PackResult,
    PlatformOutput,
    PlatformPlan,
)
from core.social.pack import manifest, write_zip
from core.social.plan import plan_pack
from core.social.render import render_pack
from core.social.safezone import safe_zone_preview

__all__ = [
    "CaptionStyle", "Check", "PackPlan", "PackRequest", "PackResult", "PlatformOutput", "PlatformPlan",
    "compliance", "manifest", "plan_pack", "render_pack", "safe_zone_preview", "write_zip",
]
