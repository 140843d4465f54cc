"""Compares of image-to-video and avatars: media named by asset id, owner-scoped, priced on what was measured."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image

from core.errors import InvalidInput
from core.media.ffmpeg import ffmpeg_exe
from tests.compare_helpers import by_model, compare_studio, wait_done  # noqa: F401


def voice(path, seconds: float):
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=300:sample_rate=16000:duration={seconds}", str(path)], check=True)
    return path


def test_an_avatar_compare_takes_a_photo_and_a_voice_by_asset_id(compare_studio, tmp_path):
    photo = tmp_path / "face.png"
    Image.new("RGB", (480, 640), (180, 140, 120)).save(photo)
    photo_id = compare_studio.import_media(photo, owner="local")["id"]
    audio_id = compare_studio.import_media(voice(tmp_path / "talk.wav", 6.4), owner="local")["id"]
    body = {"operation": "avatar", "photo_id": photo_id, "audio_id": audio_id,
            "models": ["infinitetalk", "local-avatar-draft"], "settings": {"resolution": "480p", "duration": 5}}
    estimate = compare_studio.compare.compare({**body, "estimate_only": True}, owner="local")
    rows = {r["model"]: r for r in estimate["per_model"]}
    assert rows["infinitetalk"]["estimate_usd"] == pytest.approx(7 * 0.03)  # 6.4 s measured, billed 7 s
    assert rows["infinitetalk"]["adjusted"]["duration"] == {"asked": 5, "used": None}  # length follows the voice
    run = compare_studio.compare.compare(body, owner="local")
    assert run["ok"], run["message"]
    done = by_model(wait_done(compare_studio, run["group_id"]))
    for model in ("infinitetalk", "local-avatar-draft"):
        assert done[model]["status"] == "succeeded", done[model]
        assert done[model]["duration_s"] == pytest.approx(6.4, abs=0.3) and done[model]["has_audio"]

    with pytest.raises(InvalidInput) as theirs:  # someone else's photo reads as missing
        compare_studio.compare.compare({**body, "estimate_only": True}, owner="bob")
    assert str(theirs.value).startswith("photo_id") and photo_id in str(theirs.value)
    with pytest.raises(InvalidInput) as path:
        compare_studio.compare.compare({**body, "photo_id": str(photo), "estimate_only": True}, owner="local")
    assert str(path.value).startswith("photo_id") and "file paths" in str(path.value)
    with pytest.raises(InvalidInput) as missing:
        compare_studio.compare.compare({**{k: v for k, v in body.items() if k != "audio_id"}}, owner="local")
    assert str(missing.value).startswith("photo_id") or str(missing.value).startswith("audio_id")


def test_an_image_to_video_compare_prices_each_model_with_the_image(compare_studio, tmp_path):
    image = tmp_path / "still.jpg"
    Image.new("RGB", (1280, 720), (20, 90, 160)).save(image)
    image_id = compare_studio.import_media(image, owner="local")["id"]
    answer = compare_studio.compare.compare({"operation": "image-to-video", "image_id": image_id, "prompt": "slow pan",
                                          "models": ["wan-2.5-i2v", "hunyuan-1.5-i2v", "local-draft-i2v"],
                                          "settings": {"duration": 5, "resolution": "480p"},
                                          "estimate_only": True}, owner="local")
    rows = {r["model"]: r for r in answer["per_model"]}
    assert all(r["allowed"] for r in rows.values()), rows
    assert rows["wan-2.5-i2v"]["estimate_usd"] == pytest.approx(0.25)
    assert rows["hunyuan-1.5-i2v"]["estimate_usd"] == pytest.approx(0.10)
    with pytest.raises(InvalidInput) as wrong:
        compare_studio.compare.compare({"operation": "image-to-video", "image_id": image_id, "prompt": "x",
                                     "models": ["wan-2.5-t2v", "wan-2.5-i2v"]}, owner="local")
    assert "text-to-video" in str(wrong.value) or "models" in str(wrong.value)
