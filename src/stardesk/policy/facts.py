"""The plain facts the rules read: people, title spells, events, scores, exams.

All are frozen dataclasses of dates, Decimals and Chinese enum values (the
words of the spreadsheets, workbook.md), built by the Django layer from its
models or by tests directly. Nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .conventions import Month

LEVELS = (1, 2, 3)


class Employment(StrEnum):
    """S1: every kind of agent is in scope."""

    PERMANENT = "正式"
    TEMPORARY = "临时"
    OUTSOURCED = "外聘"


class EndReason(StrEnum):
    """S4: why a title spell ended (终止原因)."""

    RENEWAL = "换届"  # A1: replaced at the next award ceremony
    LOWERED = "降级"  # V1/M5/M6 sanction (E6)
    REVOKED = "取消"  # V1/M5/M6 sanction (E6)
    RANK_ADJUSTMENT = "名次调整"  # J3, not a sanction by default (E6)
    LEFT = "离职"


SANCTION_END_REASONS = frozenset({EndReason.LOWERED, EndReason.REVOKED})


class EventCategory(StrEnum):
    """Event kinds of the 奖惩事件 sheet."""

    VIOLATION = "违章违纪"  # M5
    MAJOR_ERROR = "重大差错"  # M5
    JUSTIFIED_COMPLAINT = "有理投诉"  # M5, V2
    PRAISE = "表扬"  # V2
    COMPANY_AWARD = "公司奖项"  # E4
    ADVANCED_INDIVIDUAL = "先进个人"  # E4
    SHORT_OF_LEVEL = "不够级"  # V1
    UNQUALIFIED = "不合格"  # V1


VETO_CATEGORIES = frozenset(
    {EventCategory.VIOLATION, EventCategory.MAJOR_ERROR, EventCategory.JUSTIFIED_COMPLAINT}
)
SUPERVISION_CATEGORIES = frozenset({EventCategory.SHORT_OF_LEVEL, EventCategory.UNQUALIFIED})
HONOUR_CATEGORIES = frozenset({EventCategory.COMPANY_AWARD, EventCategory.ADVANCED_INDIVIDUAL})
FEEDBACK_CATEGORIES = frozenset({EventCategory.PRAISE, EventCategory.JUSTIFIED_COMPLAINT})


class Severity(StrEnum):
    """M5 severity (严重程度)."""

    GENERAL = "一般"
    SERIOUS = "较重"
    SEVERE = "严重"


class Sanction(StrEnum):
    """M5/V1 sanctions (处理)."""

    MONTH_LOWER = "当月降级"  # M4 step 3
    MONTH_CANCEL = "当月取消"  # M4 step 2
    LOWER = "降级"  # title sanction (V1, E6)
    REVOKE = "取消星级"  # title sanction (V1, E6)


MONTH_SANCTIONS = frozenset({Sanction.MONTH_LOWER, Sanction.MONTH_CANCEL})
TITLE_SANCTIONS = frozenset({Sanction.LOWER, Sanction.REVOKE})


class ExamKind(StrEnum):
    """考试类别 of the exam sheet."""

    LEVEL1 = "一星资格"
    LEVEL2 = "二星资格"
    LEVEL3 = "三星资格"
    JUNE = "年中综合"  # J1
    SERVICE = "服务素质"


@dataclass(frozen=True, slots=True)
class TitleSpell:
    """S4: one star title held from ``start`` until ``end``.

    ``end`` is the date the change takes effect, i.e. the first day the title
    is no longer held (an award date, a sanction's effective date, a leaving
    date); ``None`` while held. ``end_reason`` says why it ended.
    """

    level: int
    job_type: str
    start: date
    end: date | None = None
    end_reason: EndReason | None = None

    def held_on(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d < self.end)


@dataclass(frozen=True, slots=True)
class Event:
    """An entry of the 奖惩事件 sheet: veto (M5), supervision (V1), honour (E4), feedback (V2).

    ``sanction`` empty means the policy default by severity (M5) or category (V1).
    """

    on: date
    category: EventCategory
    severity: Severity | None = None
    sanction: Sanction | None = None
    note: str = ""
    effective_on: date | None = None  # V1/M5: the day a confirmed title sanction took effect (None: ``on``)


@dataclass(frozen=True, slots=True)
class MonthlyScore:
    """M3: the confirmed monthly score of a month."""

    month: Month
    score: Decimal


@dataclass(frozen=True, slots=True)
class MonitoringScore:
    """M2: one call-monitoring evaluation (监听评分)."""

    on: date
    score: Decimal
    recording: str = ""


@dataclass(frozen=True, slots=True)
class ExamResult:
    """One exam sitting (X2/J1): total ``score`` and the optional part scores."""

    kind: ExamKind
    on: date
    score: Decimal | None = None
    knowledge: Decimal | None = None
    skills: Decimal | None = None
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonFacts:
    """S2: everything about one agent the rules read, as of the data given."""

    staff_no: str
    hotline_start: date
    job_type: str
    job_type_start: date
    name: str = ""
    hotline: str = ""
    team: str = ""
    employment: Employment = Employment.PERMANENT
    left_on: date | None = None  # first day no longer employed (S2: active when left after D)
    titles: tuple[TitleSpell, ...] = ()
    events: tuple[Event, ...] = ()
    monthly_scores: tuple[MonthlyScore, ...] = ()
    monitoring: tuple[MonitoringScore, ...] = ()
    exams: tuple[ExamResult, ...] = ()

    def scores_by_month(self) -> dict[Month, Decimal]:
        return {s.month: s.score for s in self.monthly_scores}


@dataclass(frozen=True, slots=True)
class Application:
    """E: one application (星级申报) for one level in one cycle.

    ``leader_recommended`` with a non-empty ``recommendation_reason`` is the
    team leader's "表现突出" flag of E1.
    """

    staff_no: str
    year: int
    level: int
    leader_recommended: bool = False
    recommendation_reason: str = ""
