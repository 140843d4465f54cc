"""AI tags: a provider's captioning model describes one of the owner's assets; its words become tags.

A tagging run is paid work like any other: it is a Create request for a `captioning` model (the
asset named by id), so it goes through the same preflight, confirmation (`confirm_usd`), budget
check, reservation and ledger row, and runs as a GenerateHandler job (kind `ai_tags`) that sends
once, polls, reads the caption and settles. When the caption arrives, `keep` writes it to the
asset: the caption as the asset's notes (searched), the words as tags, and `settings.ai_tags`
(model, detail, caption, tags, job) so the Library can show which tags came from AI. Tagging an
asset again with the same model and detail is offered the tags it already has, unless
`run_again` is true (never pay twice).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from core.boundary import parse
from core.boundary.library import AiTagRequest
from core.catalog import Catalog
from core.contracts import ModelSpec, Operation
from core.db import Database
from core.errors import InvalidInput
from core.library.models import Asset, Job
from core.library.tags import normalise_tag, write_tags
from core.money.pricing import format_usd

TAG_KIND = "ai_tags"
MAX_AI_TAGS = 8
MAX_NOTES = 2000
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
# Words that describe nothing about what is shown: articles, pronouns, auxiliaries, connectives, and
# the captioner's own framing ("the video shows ...").
STOPWORDS = frozenset("""
a about above across after again against all along also although among an and another any are around as at
away back be because been before behind being below beneath beside besides between both but by can
could did do does doing down during each either else even ever every few for from further had has have
having he her here hers herself him himself his how however i if in inside into is it its itself just
like many may me might more most much must my near next no nor not now of off on once one only onto or
other others our out outside over own perhaps quite rather same several she should since so some
something still such than that the their them then there these they this those though through
throughout thus to together too toward towards under until up upon very via was we well were what when
where whether which while who whom whose why will with within without would yet you your
appear appears appearing seem seems seen visible shows showing shown show depicts depicting depicted
features featuring featured captures capturing captured displays displaying displayed image picture
photo photograph video clip footage frame frames scene scenes shot shots view overall likely possibly
appear's there's it's that's background foreground left right top bottom center centre middle side
while throughout various several slightly mostly mainly includes including include set setting
""".split())


def keywords(text: str, limit: int = MAX_AI_TAGS) -> list[str]:
    """The caption's content words as tags: the most frequent first (ties in reading order), each a
    valid tag, at most `limit`."""
    words = [w.strip("'-") for w in _WORD.findall(text.lower())]
    counts = Counter(w for w in words if len(w) > 2 and w not in STOPWORDS)
    first = {w: i for i, w in reversed(list(enumerate(words)))}
    out: list[str] = []
    for word in sorted(counts, key=lambda w: (-counts[w], first[w])):
        try:
            out.append(normalise_tag(word))
        except InvalidInput:
            continue
        if len(out) == limit:
            break
    return out


@dataclass
class AiTagDeps:
    catalog: Catalog
    configured: Callable[[], set[str]]  # providers with a key
    db: Database
    library: object  # core.library.repository.Library (get(asset_id, owner) -> Asset)
    create: Callable[..., dict]  # CreateService.create (priced, confirmed, reserved, queued)
    estimate: Callable[..., dict]  # CreateService.estimate


class AiTagger:
    def __init__(self, deps: AiTagDeps) -> None:
        self.d = deps

    def model_for(self, asset: Asset) -> ModelSpec | None:
        """The configured captioning model that reads this kind of file (a picture or a video)."""
        wanted = "image" if asset.mime.startswith("image/") else "video" if asset.width else None
        configured = self.d.configured()
        for model in self.d.catalog.models(operation=Operation.CAPTIONING):
            if wanted in model.capabilities.inputs_required and model.provider in configured:
                return model
        return None

    def tag(self, request: dict | AiTagRequest, *, owner: str) -> dict:
        """/ai_tag {asset_id, detail_level, confirm_usd, estimate_only, run_again} -> like /create
        (estimate fields, `job_ids`) plus `asset_id`; the tags land on the asset when the job ends."""
        parsed = parse(AiTagRequest, request)
        asset = self.d.library.get(parsed.asset_id, owner)  # someone else's id answers like a missing one
        if not asset.mime.startswith(("image/", "video/")):
            raise InvalidInput("asset_id: AI tags describe pictures and videos; this file is neither.",
                               "Pick a picture or a video.", field="asset_id")
        model = self.model_for(asset)
        if model is None:
            kind = "pictures" if asset.mime.startswith("image/") else "videos"
            raise InvalidInput(f"asset_id: no captioning model for {kind} is configured, so AI tags cannot be made "
                               "(automatic tags from what the studio knows are already on the asset).",
                               "Add a WaveSpeed API key (WAVESPEED_API_KEY) to tag with AI.", field="asset_id")
        field = "image" if "image" in model.capabilities.inputs_required else "video"
        body = {"operation": Operation.CAPTIONING.value, field: asset.id, "model": model.id,
                "options": {"detail_level": parsed.detail_level}, "confirm_usd": parsed.confirm_usd,
                "confirm": parsed.confirm}
        earlier = (asset.settings or {}).get("ai_tags")
        if parsed.estimate_only:  # priced only: shaped like every paid endpoint's answer, nothing sent
            answer = self.d.estimate(body, owner=owner)
            return {**answer, "ok": answer["allowed"], "job_ids": [], "asset_id": asset.id, "ai_tags": earlier}
        if earlier and earlier.get("model") == model.id and earlier.get("detail_level") == parsed.detail_level \
                and not parsed.run_again:
            answer = self.d.estimate(body, owner=owner)
            message = (f"{model.name} already tagged this asset ({', '.join(earlier['tags']) or 'no tags'}). "
                       f"Send run_again: true to pay {format_usd(answer['max_usd'])} for new tags.")
            issue = {"field": "run_again", "message": message, "allowed": ["true"]}
            return {**answer, "ok": False, "job_ids": [], "asset_id": asset.id, "ai_tags": earlier,
                    "reuse": self._earlier_run(asset, earlier, owner), "message": message,
                    "issues": [*answer["issues"], issue]}
        answer = self.d.create(body, owner=owner, parent_id=asset.id, kind=TAG_KIND)
        return {**answer, "asset_id": asset.id}

    def _earlier_run(self, asset: Asset, earlier: dict, owner: str) -> dict:
        """The earlier tagging as never-pay-twice offers it: {asset_id, created_at, cost_usd, title, model}."""
        with self.d.db.session() as s:
            job = s.get(Job, earlier.get("job_id") or "")
        ran = job if job is not None and job.owner == owner else None
        return {"asset_id": asset.id,
                "created_at": (ran.created_at if ran else asset.created_at).isoformat(timespec="seconds"),
                "cost_usd": round((ran.actual_usd or 0.0) if ran else 0.0, 4), "title": asset.title,
                "model": earlier.get("model")}

    def keep(self, job: Job, caption: str) -> dict:
        """Write a finished caption to the asset the job tagged; returns what the job's result keeps."""
        asset_id = job.payload.get("parent_id")
        request = job.payload.get("request") or {}
        tags = keywords(caption)
        with self.d.db.session() as s:
            asset = s.get(Asset, asset_id) if asset_id else None
            if asset is None or asset.deleted or asset.owner != job.owner:
                return {"asset_id": asset_id, "tags": [], "note": "The asset was deleted before its tags arrived."}
            earlier = set((asset.settings or {}).get("ai_tags", {}).get("tags", []))
            manual_or_fact = set(asset.tags or []) - earlier
            write_tags(s, asset, add=tags, remove=earlier - set(tags) - manual_or_fact, auto=True)
            asset.settings = {**(asset.settings or {}), "ai_tags": {
                "model": job.model, "detail_level": (request.get("options") or {}).get("detail_level", "medium"),
                "caption": caption[:MAX_NOTES], "tags": tags, "job_id": job.id}}
            asset.notes = caption[:MAX_NOTES]
            s.add(asset)
        return {"asset_id": asset_id, "tags": tags}


__all__ = ["AiTagDeps", "AiTagger", "TAG_KIND", "keywords"]

