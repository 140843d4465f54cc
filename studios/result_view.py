"""Show an asset the way a browser can: a player for web video, the picture for a GIF, and the
poster with a download for files browsers cannot play (ProRes, H.265)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from core.media.encoding import codec_label
from studios.files import served

# (suffix, codec) pairs that Chromium, Firefox and Safari all play in a <video> element.
BROWSER_PLAYABLE = {(".mp4", "h264"), (".m4v", "h264"), (".mov", "h264"), (".mp4", "av1"),
                    (".webm", "vp9"), (".webm", "vp8"), (".webm", "av1")}


def display_kind(asset: dict) -> str:
    """'video' (plays in the page), 'image' (an animated GIF) or 'poster' (download to watch)."""
    suffix = Path(asset["path"]).suffix.lower()
    if suffix == ".gif":
        return "image"
    return "video" if (suffix, asset.get("codec") or "") in BROWSER_PLAYABLE else "poster"


def unplayable_note(asset: dict) -> str:
    codec = codec_label(asset.get("codec") or "") or "This codec"
    return (f"{codec} in {Path(asset['path']).suffix.lstrip('.').upper()} does not play in a browser; "
            "the frame above is its poster. Download the file to watch it in an editor or player.")


@dataclass
class ResultView:
    """The components one shown asset needs; `components` is their order in event outputs."""

    video: gr.Video
    image: gr.Image
    file: gr.File
    note: gr.Markdown

    @property
    def components(self) -> list:
        return [self.video, self.image, self.file, self.note]


def result_view(label: str, height: int = 300) -> ResultView:
    """Lay out a player, a picture and a download; only what fits the shown asset is visible."""
    video = gr.Video(label=label, interactive=False, height=height)
    image = gr.Image(label=label, interactive=False, height=height, type="filepath", visible=False)
    file = gr.File(label="File", interactive=False, visible=False, height=60)
    note = gr.Markdown("", visible=False)
    return ResultView(video, image, file, note)


def show(asset: dict | None, owner: str | None = None) -> list:
    """Updates for ResultView.components that show `owner`'s `asset` (or clear the view for None)."""
    if asset is None:
        return [gr.update(value=None, visible=True), gr.update(value=None, visible=False),
                gr.update(value=None, visible=False), gr.update(value="", visible=False)]
    kind = display_kind(asset)
    file = served(asset["path"], owner)
    picture = file if kind == "image" else served(asset.get("poster"), owner)
    return [gr.update(value=file if kind == "video" else None, visible=kind == "video"),
            gr.update(value=picture if kind != "video" else None, visible=kind != "video"),
            gr.update(value=file, visible=True),
            gr.update(value=unplayable_note(asset) if kind == "poster" else "", visible=kind == "poster")]
