"""Filtergraph text helpers for the Social Optimizer: the media engine's, under the names used here."""

from core.media.graph import escape_value as escape
from core.media.graph import fps_expr as rate
from core.media.graph import num

__all__ = ["escape", "num", "rate"]
