"""The app's public API is exactly the documented endpoints: every gradio_client name is in the
README's tables, and no UI event (a component's default value, a page load) leaks in as an
unnamed endpoint such as /lambda_11."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_public_endpoint_is_documented_and_named(studio):
    from app import build_app

    demo = build_app(studio)
    public = {str(f.api_name) for f in demo.fns.values()
              if f.api_name and getattr(f, "api_visibility", "public") == "public"}
    documented = set(re.findall(r"^\| `/(\w+)` \|", README.read_text(), flags=re.M))
    assert not {n for n in public if n.startswith("lambda") or n in ("month_start", "predict")}, public
    assert public - documented == set()
    for name in ("estimate", "create", "speech", "avatar", "ai_edit", "social_pack", "assets", "tag", "collections",
                 "versions", "reuse", "analytics"):
        assert name in public
