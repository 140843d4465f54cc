"""Launch the app as `python app.py` does, but with the fake media host for link inputs.

    VIDEO_STUDIO_FAKE_MEDIA=/folder python -m tests.fakes.serve_app

Used by the launched-app tests; the environment (home, keys, vendor URL, port) is the app's own.
"""

from __future__ import annotations

import os

import app
from tests.fakes.media_host import fetcher

if __name__ == "__main__":
    app.serve(fetcher(os.environ["VIDEO_STUDIO_FAKE_MEDIA"]))
