"""Video Studio: settings -> core -> tabs -> serve. `python app.py` runs it with no keys needed.

`python app.py serve` is the same as `python app.py`; with `VIDEO_STUDIO_QUEUE` set it only enqueues
jobs, and `python app.py worker [--lanes io,render] [--concurrency N]` processes run them (cli_worker.py).
`python app.py users ...` manages accounts for a team (see cli.py and the README).
"""

from __future__ import annotations

import logging
import os
import sys

import gradio as gr

from core.accounts import AuthMode
from core.settings import Settings
from core.studio import Studio
from studios import admin, api, avatar, compare, create, edit, enhance, files, library, page_js, send_to, session, social
from studios import transform
from studios.compare_view import CSS as COMPARE_CSS
from studios.compare_view import SYNC_SCRIPT
from studios.widgets import CSS, open_banner, provider_banner

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


def build_fetcher():
    """Fetches clients' https links (public hosts only); tests inject their own."""
    from providers.fetch import SafeFetcher

    return SafeFetcher()


def build_studio(settings: Settings | None = None, fetcher=None) -> Studio:
    settings = settings or Settings()
    return Studio(settings, build_providers(settings), fetcher or build_fetcher())


def build_app(studio: Studio, open_to_network: bool = False) -> gr.Blocks:
    """One tab per studio over one core; who is calling comes from studios/session.py."""
    session.bind(studio.identity)
    files.bind(studio.secret, studio.store.local, studio.store.location, poster_of=studio.poster_of)
    with gr.Blocks(title=TITLE, delete_cache=(3600, 86400)) as demo:
        with gr.Row():
            gr.Markdown(f"## {TITLE}\nMake, edit and package videos. Offline drafts are free; paid models "
                        "show their cost before anything is sent.")
            if studio.identity.mode == AuthMode.HF:
                gr.LoginButton(scale=0)
            elif studio.identity.mode == AuthMode.PASSWORD:
                who = gr.Markdown("", elem_classes="vs-note")
                demo.load(session.signed_in_line, None, who, api_visibility="private")
        if open_to_network:
            gr.HTML(open_banner())
        gr.HTML(provider_banner(studio.provider_status()))
        send_to.begin()
        with gr.Tabs() as tabs:
            with gr.Tab("Create", id="create") as create_tab:
                create_form = create.build(studio, create_tab)
            with gr.Tab("Avatar", id="avatar") as avatar_tab:
                avatar_form = avatar.build(studio, avatar_tab)
            with gr.Tab("Edit", id="edit") as edit_tab:
                edit_form = edit.build(studio, edit_tab)
            with gr.Tab("Enhance", id="enhance") as enhance_tab:
                enhance_form = enhance.build(studio, enhance_tab)
            with gr.Tab("Transform", id="transform") as transform_tab:
                transform_form = transform.build(studio, transform_tab)
            with gr.Tab("Social", id="social") as social_tab:
                social.build(studio, social_tab)
            with gr.Tab("Compare", id="compare") as compare_tab:
                compare.build(studio, compare_tab)
            with gr.Tab("Library", id="library") as library_tab:
                library.build(studio, library_tab, tabs=tabs, forms={
                    "create": create_form, "avatar": avatar_form, "edit": edit_form, "enhance": enhance_form,
                    "transform": transform_form})
            with gr.Tab("Team", id="team", visible=False) as team_tab:  # shown to admins on page load
                admin.build(studio, team_tab)
        send_to.finish(tabs)
        api.register(studio)
    return demo


def launch_kwargs(studio: Studio) -> dict:
    """How Gradio serves the app: no allowed paths, so nothing from the library or work folders is
    served directly (files reach a browser only through studios/files.py, and Gradio refuses any
    input file that was not uploaded, with one message whatever the path); Gradio's login in
    password mode."""
    s = studio.settings
    kwargs = {
        "allowed_paths": [],
        "css": CSS + COMPARE_CSS + page_js.CSS,
        "head": SYNC_SCRIPT + page_js.head(),
        "footer_links": ["api", "settings"],
        "max_file_size": f"{s.max_import_mb}mb",
        "show_error": True,
        "ssr_mode": False,
        "run_history": False,
    }
    if studio.identity.mode == AuthMode.PASSWORD:
        kwargs["auth"] = studio.identity.check_password
        kwargs["auth_message"] = "Sign in with your Video Studio account (an admin creates it)."
    return kwargs


def load_settings() -> Settings:
    """Settings from the environment, or exit 2 naming the variable that is wrong."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"])
        raise SystemExit(f"Video Studio: the setting {name} is not valid: {err['msg']}.") from None


def serve(fetcher=None) -> None:
    """Run the app. `fetcher` replaces the link fetcher (tests serve media from a fake host)."""
    import uvicorn

    from web.server import BindRefused, build_server, check_bind

    logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"))
    settings = load_settings()
    host = os.getenv("GRADIO_SERVER_NAME", "127.0.0.1")
    port = int(os.getenv("GRADIO_SERVER_PORT", "7860"))
    try:
        open_to_network = check_bind(host, settings.auth, settings.allow_open)
    except BindRefused as exc:
        print(f"Video Studio: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    studio = build_studio(settings, fetcher).start()
    configured = ", ".join(sorted(studio.configured_providers()))
    print(f"Video Studio: providers ready: {configured}. Data in {studio.settings.home_dir}")
    if settings.queue:
        print("Video Studio: jobs go to the shared queue; `python app.py worker` processes run them.")
    if open_to_network:
        print(f"WARNING: Video Studio is open to anyone who can reach {host}:{port}, with no login "
              "(VIDEO_STUDIO_ALLOW_OPEN=1).", file=sys.stderr)
    if settings.auth == AuthMode.PASSWORD and not studio.accounts.list():
        print("Video Studio: no accounts yet. Add one: python app.py users add NAME --admin", file=sys.stderr)
    demo = build_app(studio, open_to_network)
    demo.queue(default_concurrency_limit=4)
    app = build_server(studio, demo, launch_kwargs(studio))
    print(f"Video Studio: open http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/ "
          f"(accounts: {settings.auth})")
    try:
        uvicorn.run(app, host=host, port=port, log_level=os.getenv("UVICORN_LOG_LEVEL", "warning"),
                    timeout_graceful_shutdown=5)
    finally:
        studio.stop()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "users":
        from cli import users

        raise SystemExit(users(argv[1:], load_settings()))
    if argv and argv[0] == "worker":
        from cli_worker import worker

        raise SystemExit(worker(argv[1:], load_settings()))
    if argv and argv[0] == "copy-db":
        from core.copy_db import main as copy_db

        raise SystemExit(copy_db(argv[1:], load_settings().db_url))
    if argv and argv[0] not in ("serve",):
        raise SystemExit(f"Unknown command {argv[0]!r}. "
                         "Use: python app.py [serve | worker ... | users ... | copy-db --to URL]")
    serve()


if __name__ == "__main__":
    main()
