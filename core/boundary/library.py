"""Requests that read the library and jobs: ids, asset queries, imports."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, TypeAdapter

from core.boundary.fields import STRICT, AssetId, JobId, OperationName, ShortText

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
