"""What every API endpoint shares: JSON-safe answers and errors a client can read."""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from core.errors import InvalidInput, StudioError
from studios.files import location, served
from studios.labels import said

log = logging.getLogger(__name__)
UNEXPECTED = "Something went wrong inside the studio (it was logged). Try again, or report it if it keeps happening."


def json_safe(value):
    """Rename `path` keys to `file_path`: Gradio takes any dict with a `path` for a file object and
    would hand the client a downloaded file instead of the record. With media in a bucket, a
    library file's `file_path` is a presigned URL the client can fetch."""
    if isinstance(value, dict):
        return {("file_path" if k == "path" else k): _file(v) if k == "path" else json_safe(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def _file(value):
    return location(value) if isinstance(value, str) else json_safe(value)


def download(path: str | None, owner: str) -> dict:
    """A file for an API client: `file_url`, a link under this app that only `owner`'s session may
    load (their served copy, web/guard.py), and `file_path`, that copy as Gradio names its files;
    never the library's own path on the server."""
    copy = served(path, owner) if path else None
    return {"file_path": copy, "file_url": f"/gradio_api/file={copy}" if copy else None}


def guard(fn):
    """A StudioError becomes a gr.Error with its message; anything else is logged and reported
    without Python text (no type names, reprs or tracebacks reach a client)."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return json_safe(fn(*args, **kwargs))
        except StudioError as exc:
            raise gr.Error(said(exc), print_exception=False) from None
        except Exception:
            log.exception("API call %s failed", fn.__name__)
            raise gr.Error(UNEXPECTED, print_exception=False) from None

    return wrapped


def publish(fns, concurrency: dict | None = None, names: dict | None = None) -> None:
    for fn in fns:
        name = (names or {}).get(fn, fn.__name__)
        gr.api(guard(fn), api_name=name, concurrency_limit=(concurrency or {}).get(fn))


def uploaded_file(file) -> Path:
    """The file the client uploaded with this call. A server path (or anything else) is refused with
    the same message whether or not it exists."""
    path = file.get("path") if isinstance(file, dict) else None
    root = os.path.realpath(get_upload_folder())
    if isinstance(path, str) and path:
        real = os.path.realpath(path)
        if real.startswith(root + os.sep) and os.path.isfile(real):
            return Path(real)
    raise InvalidInput("Send the file itself (gradio_client: handle_file(path)); a server path is not accepted.",
                       "Upload the file in the call.", field="file")
