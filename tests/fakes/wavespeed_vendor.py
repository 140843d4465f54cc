"""A fake WaveSpeed REST v3 vendor, for httpx.MockTransport and as a loopback HTTP server.

    vendor = FakeWaveSpeed(video_bytes)
    provider = WaveSpeedProvider("test-key", transport=httpx.MockTransport(vendor))

or, for the whole app:

    base_url, vendor, stop = start_fake_wavespeed(video_bytes)   # WAVESPEED_BASE_URL=base_url

Tasks play `created -> processing -> completed` (one step per poll) unless a model's
`Behaviour` says otherwise. Every request is recorded; `vendor.submits[model]` counts submits.

Avatar and speech models play their real shape (`Behaviour.media = "auto"`): an avatar output
is an MP4 with sound exactly as long as the uploaded audio (two tracks: the longer one for
`meanwhile`, their sum for the ordered modes), a speech output an MP3 as long as the text
takes to say (15 characters a second, divided by `speed`), both made with ffmpeg's lavfi.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import httpx

from tests.fakes.vendor_media import audio_seconds, fake_speech, fake_talk, media_kind, speech_seconds

OutputStyle = Literal["string", "url_object", "uri_object", "text", "text_url", "none"]
API = "/api/v3/"


@dataclass
class Behaviour:
    """How the fake answers for one model."""

    steps: list[str] = field(default_factory=lambda: ["created", "processing", "completed"])
    outputs: OutputStyle = "string"
    error: str = ""
    text: str = "A crisp, cinematic shot of a lighthouse at dusk."
    submit_status: int | None = None
    submit_message: str = "request failed"
    submit_envelope_code: int | None = None
    submit_timeout: bool = False
    retry_after: float | None = None
    poll_errors: dict[int, int] = field(default_factory=dict)
    poll_envelope_errors: dict[int, int] = field(default_factory=dict)
    price: float | None = None  # what /model/price quotes (None: no quote for this model)
    media: Literal["auto", "fixed"] = "auto"  # auto: avatar/speech models make outputs of the real length
    output_body: bytes | None = None  # served instead of the video (e.g. an HTML error page)
    submit_delay_s: float = 0.0  # the submit answer takes this long (the task exists at once)
    download_delay_s: float = 0.0  # each output download takes this long
    failed_downloads: int = 0  # the first downloads of each task's output answer 404
    fail_first: int = 0  # the first tasks of this model fail ("created", "failed" with `error`), later ones run


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Task:
    id: str
    model: str
    behaviour: Behaviour
    inputs: dict[str, Any]
    polls: int = 0  # every poll, errors included (poll_errors counts these)
    downloads: int = 0
    answered: int = 0  # polls that got a state (the task advances one step per answer)


class FakeWaveSpeed:
    """The fake vendor: call it with an httpx.Request, get an httpx.Response."""

    def __init__(
        self,
        video_bytes: bytes,
        *,
        api_key: str = "test-key",
        ticket_uploads: bool = True,
        balance: float = 12.5,
        output_base: str | None = None,
        download_errors: dict[int, int] | None = None,
    ) -> None:
        self.video_bytes = video_bytes
        self.api_key = api_key
        self.ticket_uploads = ticket_uploads
        self.account_balance = balance
        self.output_base = output_base
        self.download_errors = dict(download_errors or {})
        self.balance_delay_s = 0.0  # the balance answer takes this long
        self.behaviours: dict[str, Behaviour] = {}
        self.default = Behaviour()
        self.requests: list[Recorded] = []
        self.submits: Counter[str] = Counter()
        self.tasks: dict[str, Task] = {}
        self.stored: dict[str, bytes] = {}
        self.downloads = 0
        self.generated: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def behave(self, model: str, **changes: Any) -> Behaviour:
        """Set how `model` behaves (fields of Behaviour)."""
        self.behaviours[model] = Behaviour(**changes)
        return self.behaviours[model]

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self._lock:
            self.requests.append(Recorded(request.method, request.url.path, dict(request.headers), body))
            return self._route(request, body)

    # ---- routing -------------------------------------------------------------------------
    def _route(self, request: httpx.Request, body: bytes) -> httpx.Response:
        path, method = request.url.path, request.method
        if path.startswith("/_storage/") and method == "PUT":
            return self._store(request, body)
        if path.startswith("/_media/") and method == "GET":
            return self._serve_stored(path)
        if path.startswith("/_outputs/") and method == "GET":
            return self._serve_output(path)
        if not path.startswith(API):
            return _envelope(404, "no such route")
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _envelope(401, "Unauthorized: invalid API key")
        route = path[len(API) :]
        origin = self.output_base or f"{request.url.scheme}://{request.url.netloc.decode()}"
        if route == "media/uploads" and method == "POST":
            return self._ticket(json.loads(body), origin)
        if route == "media/upload/binary" and method == "POST":
            return self._binary_upload(request, body, origin)
        if route == "model/price" and method == "POST":
            return self._price(json.loads(body))
        if route == "balance" and method == "GET":
            if self.balance_delay_s:
                _sleep_unlocked(self._lock, self.balance_delay_s)
            return _envelope(200, "success", {"balance": self.account_balance})
        result = re.fullmatch(r"predictions/([^/]+)/result", route)
        if result and method == "GET":
            return self._poll(result.group(1), origin)
        if method == "POST":
            return self._submit(request, route, json.loads(body or b"{}"), origin)
        return _envelope(404, "no such route")

    # ---- uploads -------------------------------------------------------------------------
    def _ticket(self, info: dict[str, Any], origin: str) -> httpx.Response:
        if not self.ticket_uploads:
            return _envelope(404, "Not Found")
        token = f"u{next(self._ids)}"
        headers = {
            "Content-Type": info.get("content_type") or "application/octet-stream",
            "X-Fake-Ticket": token,
        }
        data = {
            "upload": {"method": "PUT", "url": f"{origin}/_storage/{token}", "headers": headers},
            "download_url": f"{origin}/_media/{token}/{info['filename']}",
            "filename": info["filename"],
        }
        return _envelope(200, "success", data)

    def _store(self, request: httpx.Request, body: bytes) -> httpx.Response:
        token = request.url.path.rsplit("/", 1)[-1]
        if "authorization" in request.headers or request.headers.get("x-fake-ticket") != token:
            return httpx.Response(403, text="bad upload signature")
        self.stored[token] = body
        return httpx.Response(200)

    def _binary_upload(self, request: httpx.Request, body: bytes, origin: str) -> httpx.Response:
        head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        part = next(
            p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file"
        )
        token = f"b{next(self._ids)}"
        self.stored[token] = part.get_payload(decode=True)
        name = part.get_filename()
        return _envelope(
            200, "success", {"download_url": f"{origin}/_media/{token}/{name}", "filename": name}
        )

    def _serve_stored(self, path: str) -> httpx.Response:
        token = path.split("/")[2]
        if token not in self.stored:
            return httpx.Response(404)
        return httpx.Response(200, content=self.stored[token])

    # ---- tasks ---------------------------------------------------------------------------
    def _behaviour(self, model: str) -> Behaviour:
        return self.behaviours.get(model, self.default)

    def _submit(self, request: httpx.Request, model: str, inputs: dict, origin: str) -> httpx.Response:
        self.submits[model] += 1
        behaviour = self._behaviour(model)
        if behaviour.submit_status:
            return _envelope(
                behaviour.submit_status, behaviour.submit_message, retry_after=behaviour.retry_after
            )
        if behaviour.submit_envelope_code:
            return _envelope(behaviour.submit_envelope_code, behaviour.submit_message, http_status=200)
        if behaviour.fail_first > 0:  # this task fails; the behaviour counts down for the next ones
            behaviour.fail_first -= 1
            behaviour = replace(behaviour, steps=["created", "failed"], error=behaviour.error or "failed",
                                fail_first=0)
        task = Task(f"task-{next(self._ids)}", model, behaviour, inputs)
        self.tasks[task.id] = task
        if behaviour.submit_delay_s:
            _sleep_unlocked(self._lock, behaviour.submit_delay_s)
        if behaviour.submit_timeout:
            raise httpx.ReadTimeout("The task was created but the answer never came.", request=request)
        return _envelope(200, "success", self._task_data(task, "created", origin))

    def _poll(self, task_id: str, origin: str) -> httpx.Response:
        task = self.tasks.get(task_id)
        if task is None:
            return _envelope(404, f"prediction {task_id} not found")
        task.polls += 1
        behaviour = task.behaviour
        if task.polls in behaviour.poll_errors:
            return _envelope(
                behaviour.poll_errors[task.polls], "temporary trouble", retry_after=behaviour.retry_after
            )
        if task.polls in behaviour.poll_envelope_errors:
            return _envelope(behaviour.poll_envelope_errors[task.polls], "internal error", http_status=200)
        task.answered += 1
        status = behaviour.steps[min(task.answered, len(behaviour.steps)) - 1]
        return _envelope(200, "success", self._task_data(task, status, origin))

    def _task_data(self, task: Task, status: str, origin: str) -> dict[str, Any]:
        done = status == "completed"
        return {
            "id": task.id,
            "model": task.model,
            "status": status,
            "outputs": self._outputs(task, origin) if done else [],
            "urls": {"get": f"{origin}{API}predictions/{task.id}/result"},
            "has_nsfw_contents": [False] if done else [],
            "created_at": "2026-01-01T00:00:00Z",
            "error": task.behaviour.error if status in ("failed", "timeout", "cancelled") else "",
            "timings": {"inference": 1200 if done else 0},
        }

    def _outputs(self, task: Task, origin: str) -> list[Any]:
        style = task.behaviour.outputs
        suffix = ".mp3" if media_kind(task.model, task.behaviour.media) == "speech" else ".mp4"
        video_url = f"{origin}/_outputs/{task.id}{suffix}"
        return {
            "string": [video_url],
            "url_object": [{"url": video_url}],
            "uri_object": [{"uri": video_url}],
            "text": [task.behaviour.text],
            "text_url": [f"{origin}/_outputs/{task.id}.txt"],
            "none": [],
        }[style]

    def _serve_output(self, path: str) -> httpx.Response:
        self.downloads += 1
        if self.downloads in self.download_errors:
            return httpx.Response(self.download_errors[self.downloads])
        task_id, _, ext = path.rsplit("/", 1)[-1].rpartition(".")
        task = self.tasks.get(task_id)
        if task is None:
            return httpx.Response(404)
        if ext == "txt":
            return httpx.Response(200, text=task.behaviour.text, headers={"content-type": "text/plain"})
        task.downloads += 1
        if task.downloads <= task.behaviour.failed_downloads:
            return httpx.Response(404)
        if task.behaviour.download_delay_s:
            _sleep_unlocked(self._lock, task.behaviour.download_delay_s)
        if task.behaviour.output_body is not None:
            return httpx.Response(200, content=task.behaviour.output_body, headers={"content-type": "text/html"})
        kind = media_kind(task.model, task.behaviour.media)
        if kind == "speech":
            return httpx.Response(200, content=self._made(task, lambda: fake_speech(speech_seconds(task.inputs))),
                                  headers={"content-type": "audio/mpeg"})
        if kind == "avatar":
            made = self._made(task, lambda: fake_talk(self._talk_seconds(task), task.inputs.get("resolution")))
            return httpx.Response(200, content=made, headers={"content-type": "video/mp4"})
        return httpx.Response(200, content=self.video_bytes, headers={"content-type": "video/mp4"})

    def _made(self, task: Task, make) -> bytes:
        if task.id not in self.generated:
            self.generated[task.id] = make()
        return self.generated[task.id]

    def _talk_seconds(self, task: Task) -> float:
        """The talk's length from the uploaded audio: one track, or two by `order`."""
        tracks = [task.inputs[k] for k in ("audio", "left_audio", "right_audio") if k in task.inputs]
        lengths = [audio_seconds(self._stored_bytes(url)) for url in tracks]
        if len(lengths) == 2 and task.inputs.get("order", "meanwhile") != "meanwhile":
            return sum(lengths)
        return max(lengths)

    def _stored_bytes(self, url: str) -> bytes:
        match = re.search(r"/_media/([^/]+)/", url)
        if not match or match.group(1) not in self.stored:
            raise ValueError(f"the fake vendor only knows uploaded audio, not {url}")
        return self.stored[match.group(1)]

    def _price(self, body: dict[str, Any]) -> httpx.Response:
        price = self._behaviour(body["model_id"]).price
        if price is None:
            return _envelope(404, "no price for this model")
        return _envelope(
            200, "success", {"model_id": body["model_id"], "price": price, "discounted_price": price}
        )


def _sleep_unlocked(lock: threading.Lock, seconds: float) -> None:
    """Wait without holding the vendor's lock, so other requests are answered meanwhile."""
    import time

    lock.release()
    try:
        time.sleep(seconds)
    finally:
        lock.acquire()


def _envelope(
    code: int,
    message: str,
    data: Any = None,
    *,
    http_status: int | None = None,
    retry_after: float | None = None,
) -> httpx.Response:
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    body = {"code": code, "message": message, "data": data}
    return httpx.Response(http_status or code, json=body, headers=headers)


# ---- the same fake on a loopback HTTP server ----------------------------------------------
class _Server(ThreadingHTTPServer):
    """A loopback server that accepts bursts of new connections (the default backlog is 5)."""

    request_queue_size = 256
    daemon_threads = True


def start_fake_wavespeed(video_bytes: bytes, **options: Any) -> tuple[str, FakeWaveSpeed, Any]:
    """Serve a FakeWaveSpeed on 127.0.0.1 (free port) in a thread. Returns (base_url, vendor, stop)."""
    vendor = FakeWaveSpeed(video_bytes, **options)
    server = _Server(("127.0.0.1", 0), _handler_for(vendor))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-wavespeed", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return base_url, vendor, stop


def _handler_for(vendor: FakeWaveSpeed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            url = f"http://{self.headers.get('host', '127.0.0.1')}{self.path}"
            request = httpx.Request(self.command, url, headers=list(self.headers.items()), content=body)
            try:
                response = vendor(request)
            except httpx.TimeoutException:
                self.close_connection = True  # the answer is lost: the client sees a dropped connection
                return
            payload = response.read()
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass

    return Handler
