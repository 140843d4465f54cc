"""Two people from two photos: InfiniteTalk multi animates one picture that shows both, so two
portraits are set side by side (first on the left) on one canvas before anything is priced."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput
from core.library.fingerprint import file_version_key

HEIGHT = 1024  # both portraits are scaled to this height (a 720p render needs no more)


def side_by_side(left: Path, right: Path, work_dir: Path) -> Path:
    """A JPEG with `left` and `right` next to each other at one height (made once per pair of files)."""
    key = file_version_key(left, right)
    dest = Path(work_dir) / f"two-people-{key}.jpg"
    if dest.exists():
        return dest
    halves = [_portrait(left, "photo_id"), _portrait(right, "second_photo_id")]
    canvas = Image.new("RGB", (sum(h.width for h in halves), HEIGHT), (0, 0, 0))
    x = 0
    for half in halves:
        canvas.paste(half, (x, 0))
        x += half.width
    partial = dest.with_name(f".{dest.name}.partial")
    canvas.save(partial, "JPEG", quality=92)
    partial.replace(dest)
    return dest


def _portrait(path: Path, field: str) -> Image.Image:
    try:
        with Image.open(path) as img:
            img.draft("RGB", (HEIGHT * 2, HEIGHT * 2))
            picture = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidInput(f"{field}: the file is not a readable image.", "Use a JPEG, PNG or WebP photo.",
                           field=field) from None
    width = max(1, round(picture.width * HEIGHT / picture.height))
    return picture.resize((width, HEIGHT), Image.Resampling.LANCZOS)
