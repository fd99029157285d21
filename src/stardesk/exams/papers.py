"""Drawing papers from a blueprint: which questions may fill a rule, what the bank lacks, and the draw itself.

A rule takes ``count`` active questions of its knowledge area and type (and
difficulty, when the rule names one), of the exam's level or 通用 (a 年中综合 or
服务素质 exam takes every level). No question appears twice in one paper. Rules
naming a difficulty draw first, so a rule of "any difficulty" never takes the
questions a more specific rule needs.

A draw is repeatable: the same seed and the same bank give the same paper.
Papers are written in bulk (one query per kind of row), so drawing a paper per
agent for 500 agents is a handful of queries.
"""
from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.exams.models import (
    EXAM_KINDS,
    Blueprint,
    Paper,
    PaperItem,
    PaperMode,
    PaperSection,
    Question,
    QuestionStatus,
    QuestionVersion,
    SittingKind,
)
from stardesk.policy.exams import exam_level


@dataclass(frozen=True)
class Candidate:
    question_id: int
    version_id: int
    area: str
    qtype: str
    difficulty: int


@dataclass(frozen=True)
class Shortage:
    """A rule the bank cannot fill: it needs ``wanted`` and finds ``available``."""

    section: str
    rule_position: int
    description: str
    wanted: int
    available: int

    @property
    def missing(self) -> int:
        return self.wanted - self.available

    def message(self) -> str:
        return _("「%(section)s」第 %(n)s 条规则（%(rule)s）需要 %(wanted)s 题，题库中可用 %(available)s 题，缺 %(missing)s 题") % {
            "section": self.section, "n": self.rule_position, "rule": self.description,
            "wanted": self.wanted, "available": self.available, "missing": self.missing,
        }


@dataclass
class PlannedSection:
    name: str
    kind: str
    weight: object
    # (version id, marks) in paper order
    items: list[tuple[int, object]]


def new_seed() -> int:
    return secrets.randbits(48)


def derived_seed(*parts) -> int:
    """A stable seed from a parent seed and names (the same inputs always give the same seed)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:6], "big")


def eligible_levels(kind: str) -> set[int] | None:
    """The question levels an exam of this kind draws from (None = every level)."""
    level = exam_level(EXAM_KINDS[SittingKind(kind)])
    return None if level is None else {0, level}


def candidates(hotline, kind: str) -> list[Candidate]:
    """The questions a blueprint of ``kind`` may draw, in one query."""
    questions = Question.objects.filter(hotline=hotline, status=QuestionStatus.ACTIVE, current__isnull=False)
    levels = eligible_levels(kind)
    if levels is not None:
        questions = questions.filter(level__in=levels)
    rows = questions.order_by("pk").values_list("pk", "current_id", "area", "qtype", "difficulty")
    return [Candidate(*row) for row in rows]


def rule_description(rule) -> str:
    difficulty = _("难度%(d)s") % {"d": rule.difficulty} if rule.difficulty else _("难度不限")
    return f"{rule.get_area_display()} · {rule.get_qtype_display()} · {difficulty}"


def blueprint_sections(blueprint: Blueprint) -> list:
    """The blueprint's sections with their rules (two queries); pass them to draw() when drawing many papers."""
    return list(blueprint.sections.prefetch_related("rules").order_by("position"))


def draw(blueprint: Blueprint, pool: list[Candidate], seed: int, sections: list | None = None) -> tuple[list[PlannedSection], list[Shortage]]:
    """The sections of a paper drawn with ``seed``, or the shortages that stop it."""
    rng = random.Random(seed)
    sections = blueprint_sections(blueprint) if sections is None else sections
    rules = [(section, rule) for section in sections for rule in section.rules.all()]
    used: set[int] = set()
    picks: dict[int, list[Candidate]] = {}
    shortages: list[Shortage] = []
    # Rules naming a difficulty first: they are the ones a broader rule could starve.
    ordered = sorted(rules, key=lambda pair: (pair[1].difficulty is None, pair[0].position, pair[1].position))
    for section, rule in ordered:
        matching = [
            c for c in pool
            if c.question_id not in used and c.area == rule.area and c.qtype == rule.qtype
            and (rule.difficulty is None or c.difficulty == rule.difficulty)
        ]
        if len(matching) < rule.count:
            shortages.append(Shortage(section.name, rule.position, rule_description(rule), rule.count, len(matching)))
            used.update(c.question_id for c in matching)
            continue
        chosen = rng.sample(matching, rule.count)
        used.update(c.question_id for c in chosen)
        picks[rule.pk] = chosen
    if shortages:
        shortages.sort(key=lambda s: (s.section, s.rule_position))
        return [], shortages
    planned = []
    for section in sections:
        items = [(c.version_id, rule.marks) for rule in section.rules.all() for c in picks[rule.pk]]
        planned.append(PlannedSection(section.name, section.kind, section.weight, items))
    return planned, []


def shortages_of(blueprint: Blueprint) -> list[Shortage]:
    """What the bank lacks to fill ``blueprint`` (empty when it can be drawn)."""
    _planned, shortages = draw(blueprint, candidates(blueprint.hotline, blueprint.kind), seed=0)
    return shortages


def write_papers(plans: list[tuple[Paper, list[PlannedSection]]]) -> list[Paper]:
    """Save papers with their sections and items, one bulk insert per kind of row; freezes their versions."""
    for paper, sections in plans:
        paper.total_marks = sum((marks for s in sections for _v, marks in s.items), start=0)
    papers = Paper.objects.bulk_create([paper for paper, _sections in plans])
    section_rows, item_specs = [], []
    for paper, sections in plans:
        for position, planned in enumerate(sections, start=1):
            row = PaperSection(paper=paper, position=position, name=planned.name, kind=planned.kind, weight=planned.weight)
            section_rows.append(row)
            item_specs.append((paper, row, planned.items))
    PaperSection.objects.bulk_create(section_rows, batch_size=2000)
    items = []
    positions: dict[int, int] = {}
    for paper, section, planned_items in item_specs:
        for version_id, marks in planned_items:
            positions[id(paper)] = positions.get(id(paper), 0) + 1
            items.append(PaperItem(paper=paper, section=section, position=positions[id(paper)], version_id=version_id, marks=marks))
    PaperItem.objects.bulk_create(items, batch_size=2000)
    version_ids = {item.version_id for item in items}
    # A version a paper holds never changes again: revising its question makes a new version.
    QuestionVersion.objects.filter(pk__in=version_ids, frozen_at__isnull=True).update(frozen_at=timezone.now())
    return papers


def paper_for(blueprint: Blueprint, *, title: str, mode: str = PaperMode.SHARED, seed: int, actor=None, invitation=None) -> Paper:
    return Paper(hotline=blueprint.hotline, blueprint=blueprint, title=title, mode=mode, seed=seed,
                 total_marks=0, invitation=invitation, created_by=actor if actor is not None and actor.pk else None)
