"""The one scale of evidence a claim is graded on: GRADE certainty of evidence.

Editors give each fact-stating claim that cites a reference a level; the board
verifies it with the claim (it is part of the claim's fingerprint,
``articles.reviewed``), and readers see it in words for their audience.

Why GRADE: it is the scale the guidelines we cite most (WHO, NICE, the
Cochrane reviews) grade their own bodies of evidence on, so a level can be read
off a cited guideline or review rather than invented; it grades how certain we
may be of a statement, not only how a study was designed; and it has four
levels, few enough for a reader to tell apart.

The definitions are versioned: ``SCALE`` is the version in force, with the date
it took effect, and each approved version records the scale version its levels
were verified under (``ArticleVersion.evidence_scale_version``), so that a
reader is always shown the definitions the board applied.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models


class EvidenceLevel(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


@dataclass(frozen=True)
class LevelWords:
    """What one level means, for each audience."""

    grade: str  # the grade's name, for professionals
    definition: str  # GRADE's definition (Balshem et al., J Clin Epidemiol 2011;64:401-6)
    patient: str  # the same in plain words


@dataclass(frozen=True)
class Scale:
    version: int
    effective: datetime.date
    levels: dict[str, LevelWords]

    def words(self, level: str) -> LevelWords | None:
        return self.levels.get(level)


SCALE_V1 = Scale(
    version=1,
    effective=datetime.date(2026, 12, 1),
    levels={
        EvidenceLevel.HIGH: LevelWords(
            "High certainty",
            "We are very confident that the true effect lies close to the estimate.",
            "Strong evidence: several good studies agree. New research is very unlikely to "
            "change this.",
        ),
        EvidenceLevel.MODERATE: LevelWords(
            "Moderate certainty",
            "The true effect is likely close to the estimate, but may be substantially different.",
            "Good evidence: new research could change this.",
        ),
        EvidenceLevel.LOW: LevelWords(
            "Low certainty",
            "The true effect may be substantially different from the estimate.",
            "Some evidence, from few or limited studies: new research may well change this.",
        ),
        EvidenceLevel.VERY_LOW: LevelWords(
            "Very low certainty",
            "The true effect is likely to be substantially different from the estimate.",
            "Very little evidence: this rests on few, uncertain studies or expert opinion.",
        ),
    },
)

# Every version of the scale, so an older approval is still shown in its own words.
SCALES = {SCALE_V1.version: SCALE_V1}
SCALE = SCALE_V1  # in force

HEADING_HAS_NONE = "headings state no fact, so they have no evidence level"
NO_REFERENCE_HAS_NONE = (
    "a claim that needs no reference has no evidence level: clear the level, or cite a "
    "reference instead of marking it"
)
UNKNOWN_LEVEL = "choose an evidence level of the GRADE scale: " + ", ".join(EvidenceLevel.values)


def scale_for(version: int | None) -> Scale:
    """The scale an approval was verified under (the one in force if it names none)."""
    return SCALES.get(version or SCALE.version, SCALE)


def level_refusal(*, level: str, is_heading: bool, needs_no_citation: bool) -> str:
    """Why this claim cannot have ``level`` ("" when it can): the rule every door asks."""
    if not level:
        return ""
    if level not in EvidenceLevel.values:
        return UNKNOWN_LEVEL
    if is_heading:
        return HEADING_HAS_NONE
    if needs_no_citation:
        return NO_REFERENCE_HAS_NONE
    return ""
