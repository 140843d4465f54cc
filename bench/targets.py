"""Targets every benchmark judges itself by, and the `--target NAME=VALUE` override that proves a
missed target really fails the run (e.g. `--target engine/hand=0.01` must exit non-zero)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A figure's limit: `at_most` (figure <= limit) or not (figure >= limit)."""

    limit: float
    at_most: bool = True
    unit: str = ""

    def met(self, value: float) -> bool:
        return value <= self.limit if self.at_most else value >= self.limit

    def text(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.limit:g}{self.unit}"


def add_target_option(parser: argparse.ArgumentParser, targets: dict[str, Target]) -> None:
    names = ", ".join(targets)
    parser.add_argument("--target", action="append", default=[], metavar="NAME=VALUE",
                        help=f"override a target's limit ({names}); repeatable")


def resolve(targets: dict[str, Target], overrides: list[str]) -> dict[str, Target]:
    """The targets with `NAME=VALUE` overrides applied. Raises SystemExit for an unknown name."""
    resolved = dict(targets)
    for item in overrides:
        name, _, value = item.partition("=")
        if name not in resolved or not value:
            raise SystemExit(f"--target {item!r}: use NAME=VALUE with NAME one of {', '.join(resolved)}")
        resolved[name] = Target(float(value), resolved[name].at_most, resolved[name].unit)
    return resolved


def judge(figures: dict[str, float], targets: dict[str, Target]) -> list[str]:
    """Print each judged figure against its target; return the names of the missed ones."""
    missed = []
    for name, target in targets.items():
        if name not in figures:
            continue
        ok = target.met(figures[name])
        missed += [] if ok else [name]
        print(f"  {name:<16} {figures[name]:10.3f}{target.unit}  target {target.text()}: "
              f"{'met' if ok else 'MISSED'}")
    print("targets met" if not missed else f"TARGETS MISSED: {', '.join(missed)}")
    return missed
