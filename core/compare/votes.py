"""Votes on two outputs of a compare: append-only records, and which outputs a vote has revealed.

A vote is "a", "b", "tie" or "both_bad", overall or on one criterion. It is recorded as blind
when the group is blind and neither output's model had been revealed when it was cast (a
vote reveals the two models it was cast on). Every vote is its own record and counts on the
leaderboard (nothing is merged or de-duplicated); a board may be limited to blind votes.
Several criteria sent in one call are recorded together, so they are all blind when the first is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from core.compare.models import CompareGroup, CompareVote
from core.db import Database
from core.errors import InvalidInput

WINNERS = ("a", "b", "tie", "both_bad")
CRITERIA = ("follows_prompt", "motion", "visual_quality", "sound")
OVERALL = ""


@dataclass(frozen=True)
class Output:
    """An output that can be voted on: its asset, the model that made it, and whether it has sound."""

    asset_id: str
    model: str
    has_audio: bool


class VoteBook:
    """The vote records of every group."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def cast(self, owner: str, group: CompareGroup, a: Output, b: Output,
             choices: dict[str, str]) -> list[CompareVote]:
        """Record one vote per criterion in `choices` ({criterion or "": winner}) in one transaction."""
        if a.asset_id == b.asset_id:
            raise InvalidInput("b_asset_id: pick two different outputs to compare.", field="b_asset_id")
        if "sound" in choices and not (a.has_audio or b.has_audio):
            raise InvalidInput("criterion: neither output has sound, so there is no sound to vote on.",
                               "Vote overall, or on another criterion.", field="criterion")
        blind = group.blind and not (self.revealed(group.id) & {a.asset_id, b.asset_id})
        audio = a.has_audio if a.has_audio == b.has_audio else None
        votes = [CompareVote(owner=owner, group_id=group.id, a_asset_id=a.asset_id, b_asset_id=b.asset_id,
                             a_model=a.model, b_model=b.model, winner=winner, criterion=criterion, blind=blind,
                             operation=group.operation, audio=audio, prompt=group.prompt)
                 for criterion, winner in choices.items()]
        with self.db.session() as s:
            s.add_all(votes)
        return votes

    def revealed(self, group_id: str) -> set[str]:
        """Asset ids of the group that some vote has been cast on (their models are shown)."""
        with self.db.session() as s:
            rows = s.exec(select(CompareVote.a_asset_id, CompareVote.b_asset_id)
                          .where(CompareVote.group_id == group_id)).all()
        return {asset for row in rows for asset in row}

    def voted_pairs(self, group_id: str) -> set[frozenset[str]]:
        with self.db.session() as s:
            rows = s.exec(select(CompareVote.a_asset_id, CompareVote.b_asset_id)
                          .where(CompareVote.group_id == group_id)).all()
        return {frozenset(row) for row in rows}

    def pool(self, operation: str, audio: bool | None, criterion: str = OVERALL,
             blind_only: bool = False) -> list[CompareVote]:
        """The votes of one leaderboard: an operation, a sound pool (None = all), a criterion."""
        stmt = select(CompareVote).where(CompareVote.operation == operation, CompareVote.criterion == criterion)
        if blind_only:
            stmt = stmt.where(CompareVote.blind == True)  # noqa: E712
        if audio is not None:
            stmt = stmt.where(CompareVote.audio == audio)
        with self.db.session() as s:
            return list(s.exec(stmt.order_by(col(CompareVote.created_at))))

    def of_owner(self, owner: str, limit: int = 100_000) -> list[CompareVote]:
        with self.db.session() as s:
            stmt = select(CompareVote).where(CompareVote.owner == owner)
            return list(s.exec(stmt.order_by(col(CompareVote.created_at)).limit(limit)))
