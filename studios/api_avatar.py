"""Avatar Studio and voice through the API: /speech, /avatar and /voices (see README)."""

from __future__ import annotations

import gradio as gr

from core.studio import Studio
from studios.api_tools import publish
from studios.session import owner_of


def register(studio: Studio) -> None:
    def speech(body: dict, request: gr.Request) -> dict:
        """{text, voice, model, language, speed, emotion, confirm_usd, estimate_only, run_again} -> like /create;
        the result is an audio asset."""
        return studio.speech(body, owner=owner_of(request))

    def avatar(body: dict, request: gr.Request) -> dict:
        """{photo_id, audio_id | script + voice, model, resolution, emotion, expression_prompt,
        second_photo_id, second_audio_id, order, captions, platform, split, confirm_usd, estimate_only, run_again}
        -> like /create, plus scenes."""
        return studio.avatar(body, owner=owner_of(request))

    def avatar_scene(body: dict, request: gr.Request) -> dict:
        """{job_id (the request's "Join and captions" job), scene (1 = first), confirm_usd, estimate_only}
        -> like /create: one failed scene made again and joined with the others."""
        return studio.avatar_scene(body, owner=owner_of(request))

    def voices(request: gr.Request) -> list:
        """Speech models usable here with their voices, languages, speed setting and price."""
        owner_of(request)
        return studio.avatars.voices()

    publish((speech, avatar, avatar_scene, voices))
