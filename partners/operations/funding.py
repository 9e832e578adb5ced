"""Which awards a training may name as its funding.

partners imports nothing of reporting (the apps depend one way: partners <- cases <-
referrals <- reporting), so the reporting app registers, when it starts, the function
that lists the task force's active awards. Without one, the field stays free text.
"""

from __future__ import annotations

from collections.abc import Callable

AwardSource = Callable[[], list[tuple[str, str]]]

_source: AwardSource | None = None


def register_award_source(source: AwardSource) -> None:
    global _source  # one registry, set once at start-up
    _source = source


def award_choices() -> list[tuple[str, str]] | None:
    """(award number, label) of the awards a training may name; None when no app lists awards."""
    return None if _source is None else _source()
