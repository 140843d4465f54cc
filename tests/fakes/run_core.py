"""The studio's core alone (no web UI) in its own process, for kill -9 tests.

    python -m tests.fakes.run_core create '<request json>'   # prints the job id, then keeps working
    python -m tests.fakes.run_core resume <job id>           # runs until that job ends, exits 0

The environment is the studio's own (VIDEO_STUDIO_HOME, WAVESPEED_API_KEY, WAVESPEED_BASE_URL).
"""

from __future__ import annotations

import json
import sys
import time

from core.settings import Settings
from core.studio import Studio
from providers.local import LocalProvider
from providers.wavespeed import WaveSpeedProvider


def studio() -> Studio:
    settings = Settings()
    providers = {"local": LocalProvider(settings.work_dir / "local"),
                 "wavespeed": WaveSpeedProvider(settings.wavespeed_api_key, settings.wavespeed_base_url)}
    return Studio(settings, providers).start()


def main() -> int:
    command, argument = sys.argv[1], sys.argv[2]
    core = studio()
    owner = core.settings.default_user
    if command == "create":
        answer = core.create(json.loads(argument), owner=owner)
        print(json.dumps({"ok": answer["ok"], "job_ids": answer["job_ids"], "issues": answer["issues"]}), flush=True)
        while True:
            time.sleep(1)
    while not core.job(argument, owner=owner)["terminal"]:
        time.sleep(0.05)
    core.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
