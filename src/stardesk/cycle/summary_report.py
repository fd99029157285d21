"""R3: the October summary report of a cycle (总结上报): counts per level, changes, quota use, exam results.

Computed from the cycle's records, nothing stored: applications and their
eligibility (E), the recommendation list (Q), the committee's candidates,
proposal and result (K), the award and its rewards (A), and the released
qualification results of the year (X). "Changes" compares each person's
level the day before the award date with the level awarded (kept, raised,
lowered, new, no longer a holder). Shown as a page and as a PDF (the same
figures, ReportLab with the certificate's embedded Chinese font).
"""
import datetime
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stardesk.cycle.assessment_step import LEVEL_SITTINGS
from stardesk.cycle.eligibility import cycle_policy
from stardesk.cycle.models import Application, ApplicationStatus, Award, CommitteeCandidate, Cycle, Recommendation
from stardesk.cycle.recommendation_list import cycle_quotas
from stardesk.exams.models import SittingResult
from stardesk.people.models import TitleSpell
from stardesk.policy.exams import exam_level
from stardesk.policy.facts import LEVELS


@dataclass
class LevelFigures:
    level: int
    quota: int
    applied: int = 0
    eligible: int = 0
    recommended: int = 0
    listed: int = 0  # K1: on the committee's list of the level
    proposed: int = 0  # K2
    holders: int = 0  # K4 / A1
    rewards: Decimal = Decimal("0.00")

    @property
    def quota_use(self) -> str:
        if not self.quota:
            return "—"
        return f"{(Decimal(self.holders * 100) / self.quota).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


@dataclass
class ExamFigures:
    name: str
    level: int
    day: datetime.date
    sat: int
    passed: int
    mean: Decimal | None
    highest: Decimal | None
    lowest: Decimal | None

    @property
    def pass_rate(self) -> str:
        return "—" if not self.sat else f"{(Decimal(self.passed * 100) / self.sat).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


CHANGE_KINDS = (("new", gettext_lazy("新获星级")), ("up", gettext_lazy("升级")), ("same", gettext_lazy("保持")),
                ("down", gettext_lazy("降级")), ("lost", gettext_lazy("未再获得")))


@dataclass
class Summary:
    cycle: Cycle
    headcount: int
    policy_version: str
    levels: list[LevelFigures]
    exams: list[ExamFigures]
    changes: dict[str, list] = field(default_factory=dict)  # kind → [(person, before, after)]
    compared_on: datetime.date | None = None
    decisions: int = 0

    @property
    def total_rewards(self) -> Decimal:
        return sum((f.rewards for f in self.levels), Decimal("0.00"))

    @property
    def total_holders(self) -> int:
        return sum(f.holders for f in self.levels)

    def change_counts(self) -> list[tuple[str, str, int]]:
        return [(key, str(label), len(self.changes.get(key, []))) for key, label in CHANGE_KINDS]

    def change_groups(self) -> list[tuple[str, str, list]]:
        """(kind, label, [(person, level before, level after)]) for each kind of change."""
        return [(key, str(label), self.changes.get(key, [])) for key, label in CHANGE_KINDS]


def _counts(rows, key: str) -> Counter:
    return Counter({row[key]: row["n"] for row in rows})


def summary_for(cycle: Cycle) -> Summary:
    """R3: the cycle's figures, one query per kind of record."""
    policy = cycle_policy(cycle)
    quotas = cycle_quotas(cycle, policy.policy)
    active = Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE).values("level")
    applied = _counts(active.annotate(n=Count("pk")), "level")
    eligible = _counts(active.filter(eligible=True).annotate(n=Count("pk")), "level")
    recommended = _counts(Recommendation.objects.filter(cycle=cycle, level__isnull=False).values("level").annotate(n=Count("pk")), "level")
    candidates = list(CommitteeCandidate.objects.filter(cycle=cycle).values("start_level", "proposed_level", "level"))
    awards = list(Award.objects.filter(cycle=cycle).select_related("person", "person__team"))
    holders = Counter(a.level for a in awards) if cycle.award_date else Counter(c["level"] for c in candidates)
    levels = []
    for L in sorted(LEVELS, reverse=True):
        levels.append(LevelFigures(
            level=L, quota=quotas.for_level(L), applied=applied.get(L, 0), eligible=eligible.get(L, 0),
            recommended=recommended.get(L, 0), listed=sum(1 for c in candidates if c["start_level"] == L),
            proposed=sum(1 for c in candidates if c["proposed_level"] == L), holders=holders.get(L, 0),
            rewards=sum((a.reward_amount for a in awards if a.level == L), Decimal("0.00")),
        ))
    summary = Summary(cycle, quotas.headcount, policy.version, levels, _exams(cycle),
                      decisions=cycle.committee_decisions.count())
    if cycle.award_date:
        summary.compared_on = cycle.award_date - datetime.timedelta(days=1)
        summary.changes = _changes(cycle, awards, summary.compared_on)
    return summary


def _exams(cycle: Cycle) -> list[ExamFigures]:
    start = timezone.make_aware(datetime.datetime(cycle.year, 1, 1))
    end = timezone.make_aware(datetime.datetime(cycle.year + 1, 1, 1))
    results = (
        SittingResult.objects.filter(sitting__hotline_id=cycle.hotline_id, sitting__kind__in=LEVEL_SITTINGS.values(),
                                     sitting__opens_at__gte=start, sitting__opens_at__lt=end, released_at__isnull=False)
        .select_related("sitting")
        .order_by("sitting__opens_at", "sitting_id")
    )
    by_sitting: dict[int, list] = {}
    sittings = {}
    for r in results:
        by_sitting.setdefault(r.sitting_id, []).append(r)
        sittings[r.sitting_id] = r.sitting
    out = []
    for pk, rows in by_sitting.items():
        sitting = sittings[pk]
        scored = [r.score for r in rows if r.score is not None]
        mean = (sum(scored, Decimal(0)) / len(scored)).quantize(Decimal("0.1"), ROUND_HALF_UP) if scored else None
        out.append(ExamFigures(sitting.name, exam_level(sitting.exam_kind), sitting.exam_date, len(rows),
                               sum(1 for r in rows if r.passed), mean, max(scored, default=None), min(scored, default=None)))
    return sorted(out, key=lambda e: (-e.level, e.day, e.name))


def _changes(cycle: Cycle, awards: list[Award], before_day: datetime.date) -> dict[str, list]:
    held = (
        TitleSpell.objects.filter(person__hotline_id=cycle.hotline_id, start__lte=before_day)
        .filter(Q(end__isnull=True) | Q(end__gt=before_day))
        .select_related("person", "person__team")
    )
    before: dict[int, tuple] = {}
    for spell in held:
        if spell.person_id not in before or spell.level > before[spell.person_id][1]:
            before[spell.person_id] = (spell.person, spell.level)
    after = {a.person_id: (a.person, a.level) for a in awards}
    found: dict[str, list] = {key: [] for key, _label in CHANGE_KINDS}
    for pk, (person, level) in after.items():
        was = before.get(pk, (person, 0))[1]
        kind = "new" if not was else "up" if level > was else "same" if level == was else "down"
        found[kind].append((person, was, level))
    for pk, (person, was) in before.items():
        if pk not in after:
            found["lost"].append((person, was, 0))
    for rows in found.values():
        rows.sort(key=lambda row: row[0].staff_no)
    return found


# --- the PDF -------------------------------------------------------------------------------------------


def summary_pdf(summary: Summary) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from stardesk.cycle.certificates import register_font

    font = register_font()
    cycle = summary.cycle
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    grid = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ])

    def table(rows, widths=None):
        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(grid)
        return t

    story = [
        Paragraph(_("%(hotline)s %(year)s 年度星级评定总结报告") % {"hotline": cycle.hotline.name, "year": cycle.year}, title_style),
        Paragraph(_("资格审核基准日 %(r)s · 授牌日期 %(a)s · 基准日在岗 %(n)s 人 · 政策 %(v)s · 生成于 %(t)s") % {
            "r": cycle.reference_date.isoformat(), "a": cycle.award_date.isoformat() if cycle.award_date else _("未授牌"),
            "n": summary.headcount, "v": summary.policy_version, "t": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, body),
        Paragraph(_("一、各星级人数与名额使用"), heading),
        table([[_("星级"), _("申报"), _("符合条件"), _("推荐"), _("评定名单"), _("建议"), _("评定结果"), _("名额"), _("名额使用"), _("一次性奖励（元）")]]
              + [[f"{f.level}星", f.applied, f.eligible, f.recommended, f.listed, f.proposed, f.holders, f.quota, f.quota_use, f"{f.rewards:.2f}"]
                 for f in summary.levels]
              + [[_("合计"), sum(f.applied for f in summary.levels), sum(f.eligible for f in summary.levels),
                  sum(f.recommended for f in summary.levels), sum(f.listed for f in summary.levels),
                  sum(f.proposed for f in summary.levels), summary.total_holders, "", "", f"{summary.total_rewards:.2f}"]]),
        Paragraph(_("二、资格考试"), heading),
        table([[_("考试"), _("星级"), _("日期"), _("参考人数"), _("合格"), _("合格率"), _("平均分"), _("最高"), _("最低")]]
              + [[e.name, f"{e.level}星", e.day.isoformat(), e.sat, e.passed, e.pass_rate, e.mean if e.mean is not None else "—",
                  e.highest if e.highest is not None else "—", e.lowest if e.lowest is not None else "—"] for e in summary.exams]
              if summary.exams else [[_("本年度没有已公布的资格考试成绩")]]),
        Paragraph(_("三、星级变化"), heading),
    ]
    if summary.compared_on:
        story.append(Paragraph(_("与 %(d)s（授牌前一日）持有的星级相比：") % {"d": summary.compared_on.isoformat()}, body))
        story.append(table([[_("变化"), _("人数")]] + [[label, n] for _key, label, n in summary.change_counts()], [60 * mm, 30 * mm]))
        story.append(Spacer(1, 3 * mm))
        for key, label in CHANGE_KINDS:
            rows = summary.changes.get(key) or []
            if rows:
                names = "、".join(f"{p.staff_no} {p.name}（{a}★→{b}★）" if key != "lost" else f"{p.staff_no} {p.name}（{a}★）"
                                 for p, a, b in rows)
                story.append(Paragraph(f"{label}：{names}", body))
    else:
        story.append(Paragraph(_("尚未授牌，星级变化在授牌后统计。"), body))
    story += [Spacer(1, 6 * mm), Paragraph(_("集中评定共记录逐人评定 %(n)s 项（K3）。") % {"n": summary.decisions}, body)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                            title=_("%(year)s 年度星级评定总结报告") % {"year": cycle.year}, author="StarDesk")
    doc.build(story)
    return buffer.getvalue()
