"""Settings come only from their documented variable names, with safe defaults on a Space."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings


def test_only_documented_names_are_read(monkeypatch, tmp_path):
    monkeypatch.delenv("VIDEO_STUDIO_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # once read as the studio home: data landed in ~
    monkeypatch.setenv("PLAN", "studio")
    monkeypatch.setenv("AUTH", "password")
    settings = Settings()
    assert settings.home == Path(".studio_home") and settings.plan == "creator" and settings.auth == "none"


def test_a_space_signs_in_with_hugging_face_and_keeps_data_on_its_storage(monkeypatch):
    for name in ("VIDEO_STUDIO_HOME", "VIDEO_STUDIO_AUTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPACE_ID", "team/video-studio")
    settings = Settings()
    assert settings.auth == "hf"
    assert settings.home in (Path("/data"), Path(".studio_home"))  # /data when storage is attached
    monkeypatch.setenv("VIDEO_STUDIO_AUTH", "password")
    assert Settings().auth == "password"


def test_the_readme_makes_a_working_space_and_the_image_needs_accounts():
    import gradio
    import yaml

    root = Path(__file__).resolve().parent.parent
    front = yaml.safe_load((root / "README.md").read_text().split("---\n")[1])
    assert front["sdk"] == "gradio" and front["app_file"] == "app.py" and front["hf_oauth"] is True
    assert front["sdk_version"] == gradio.__version__  # the version the tests run
    docker = (root / "Dockerfile").read_text()
    assert "USER user" in docker and "HEALTHCHECK" in docker and "/healthz" in docker
    assert "VIDEO_STUDIO_AUTH=password" in docker and "GRADIO_SERVER_NAME=0.0.0.0" in docker
