"""Video Studio: settings -> core -> tabs -> launch. `python app.py` runs it with no keys needed."""

from __future__ import annotations

import logging
import os

import gradio as gr

from core.settings import Settings
from core.studio import Studio
from studios import api, create, edit, enhance, library, social, transform
from studios.widgets import CSS, provider_banner

TITLE = "Video Studio"


def build_providers(settings: Settings) -> dict:
    """Wire the provider adapters in (core never names a vendor)."""
    from providers.huggingface import HuggingFaceProvider
    from providers.local import LocalProvider
    from providers.wavespeed import WaveSpeedProvider

    return {
        "local": LocalProvider(settings.work_dir / "local"),
        "wavespeed": WaveSpeedProvider(settings.wavespeed_api_key, settings.wavespeed_base_url,
                                       max_download_bytes=settings.max_download_mb * 1_000_000),
        "huggingface": HuggingFaceProvider(settings.hf_token),
    }


def build_studio(settings: Settings | None = None) -> Studio:
    settings = settings or Settings()
    return Studio(settings, build_providers(settings))


def build_app(studio: Studio) -> gr.Blocks:
    """One tab per studio over one core."""
    with gr.Blocks(title=TITLE, delete_cache=(3600, 86400)) as demo:
        gr.Markdown(f"## {TITLE}\nMake, edit and package videos. Offline drafts are free; paid models "
                    "show their cost before anything is sent.")
        gr.HTML(provider_banner(studio.provider_status()))
        with gr.Tabs():
            with gr.Tab("Create", id="create"):
                create.build(studio)
            with gr.Tab("Edit", id="edit") as edit_tab:
                edit.build(studio, edit_tab)
            with gr.Tab("Enhance", id="enhance") as enhance_tab:
                enhance.build(studio, enhance_tab)
            with gr.Tab("Transform", id="transform") as transform_tab:
                transform.build(studio, transform_tab)
            with gr.Tab("Social", id="social") as social_tab:
                social.build(studio, social_tab)
            with gr.Tab("Library", id="library") as library_tab:
                library.build(studio, library_tab)
        api.register(studio)
    return demo


def launch_kwargs(studio: Studio) -> dict:
    return {
        "allowed_paths": [str(studio.settings.media_dir), str(studio.settings.work_dir),
                          str(studio.settings.cache_dir)],
        "css": CSS,
        "footer_links": ["api", "settings"],
        "max_file_size": "2gb",
        "show_error": True,
    }


def main() -> None:
    logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"))
    studio = build_studio().start()
    configured = ", ".join(sorted(studio.configured_providers()))
    print(f"Video Studio: providers ready: {configured}. Data in {studio.settings.home_dir}")
    demo = build_app(studio)
    demo.queue(default_concurrency_limit=4)
    try:
        demo.launch(**launch_kwargs(studio))
    finally:
        studio.stop()


if __name__ == "__main__":
    main()
