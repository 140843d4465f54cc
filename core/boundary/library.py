"""Requests that read the library and jobs: ids, asset queries, imports, tags, collections, versions, reuse."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr, TypeAdapter

from core.boundary.fields import STRICT, AssetId, JobId, Money, OperationName, ShortText
from core.boundary.parse import parse, parse_value
from core.errors import InvalidInput

JOB_ID = TypeAdapter(JobId)
ASSET_ID = TypeAdapter(AssetId)
TITLE = TypeAdapter(ShortText)


class AssetsQuery(BaseModel):
    """/assets filters (all optional)."""

    model_config = STRICT

    query: ShortText = ""
    operation: OperationName | ShortText | None = None


class ShareRequest(BaseModel):
    """/share: a link to one of the caller's assets that works without login until it expires."""

    model_config = STRICT

    asset_id: AssetId
    expires_in_s: Annotated[StrictInt, Field(ge=1, le=90 * 24 * 3600)] = 86400


class UnshareRequest(BaseModel):
    model_config = STRICT

    asset_id: AssetId


TagName = Annotated[StrictStr, Field(max_length=40)]
CollectionName = Annotated[StrictStr, Field(max_length=120)]
CollectionAction = Literal["create", "rename", "add", "remove", "list", "export"]
NEEDS = {"create": ("name",), "rename": ("collection_id", "name"), "add": ("collection_id", "asset_ids"),
         "remove": ("collection_id", "asset_ids"), "list": (), "export": ("collection_id",)}


class TagRequest(BaseModel):
    """/tag: tags to add to and remove from one of the caller's assets."""

    model_config = STRICT

    asset_id: AssetId
    add: list[TagName] = Field(default_factory=list, max_length=20)
    remove: list[TagName] = Field(default_factory=list, max_length=20)


class CollectionsRequest(BaseModel):
    """/collections: one action on the caller's collections; each action names the fields it needs."""

    model_config = STRICT

    action: CollectionAction
    collection_id: AssetId | None = None
    name: CollectionName | None = None
    asset_ids: list[AssetId] | None = Field(default=None, min_length=1, max_length=500)

    def needed(self) -> CollectionsRequest:
        """Self, when the fields this action needs are there; InvalidInput naming the first missing."""
        for name in NEEDS[self.action]:
            if getattr(self, name) is None:
                raise InvalidInput(f"{name} is required to {self.action} a collection.",
                                   f"Send {name} with action \"{self.action}\".", field=name)
        return self


class AssetRequest(BaseModel):
    """/versions, /usage: one of the caller's assets."""

    model_config = STRICT

    asset_id: AssetId


def asset_id_of(value) -> str:
    """An asset id given alone or as {asset_id} -> the id (InvalidInput naming `asset_id` otherwise)."""
    if isinstance(value, str):
        return parse_value(ASSET_ID, value, "asset_id")
    return parse(AssetRequest, value).asset_id


class ReuseRequest(BaseModel):
    """/reuse: a Create request (as /estimate takes it); its match is looked up, nothing is sent."""

    model_config = STRICT

    request: dict


class AiTagRequest(BaseModel):
    """/ai_tag: AI tags for one of the caller's assets from a provider's captioning model (paid:
    priced, confirmed with `confirm_usd`, in the ledger)."""

    model_config = STRICT

    asset_id: AssetId
    detail_level: Literal["low", "medium", "high"] = "low"
    confirm_usd: Money | None = None
    confirm: StrictBool | None = None
    run_again: StrictBool = False
    estimate_only: StrictBool = False
