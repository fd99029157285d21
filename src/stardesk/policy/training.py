"""T1: the syllabus and training material go to every agent; who received and attended is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .people import staff_no_key


@dataclass(frozen=True, slots=True)
class TrainingGaps:
    """T1: agents of the roster who did not receive the material, or did not attend."""

    not_received: tuple[str, ...]
    not_attended: tuple[str, ...]


def training_gaps(roster: Iterable[str], received: Iterable[str], attended: Iterable[str]) -> TrainingGaps:
    """T1: compare the roster (active agents' staff numbers) with the issue and attendance records."""
    roster = set(roster)
    return TrainingGaps(
        tuple(sorted(roster - set(received), key=staff_no_key)),
        tuple(sorted(roster - set(attended), key=staff_no_key)),
    )
