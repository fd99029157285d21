"""Reading the yearly cycle: what a user may see, the cycle page's people, applications and counts.

Every list starts from what the user may read (accounts.permissions): a team
leader sees their own team, an agent only their own application, the
supervisor and the committee their hotline. Lists run a constant number of
queries per page.
"""
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.core.errors import NotFound
from stardesk.cycle.models import (
    STEP_ORDER,
    Application,
    ApplicationStatus,
    CommitteeCandidate,
    Cycle,
    CycleHeadcount,
    CycleStage,
    RecommendationCorrection,
    ReviewStatus,
    Step,
)
from stardesk.cycle.eligibility import reasons_from_json
from stardesk.cycle.recommendation_list import CycleList
from stardesk.people.models import Hotline, Person, TitleSpell

PAGE_SIZE = 50

# Where a person stands in the cycle (the cycle page's filter), in the order a reader follows the steps.
STANDING_CHOICES = [
    ("none", _("未申报")),
    ("applied", _("已申报")),
    ("ineligible", _("不符合条件")),
    ("eligible", _("符合条件")),
    ("pending", _("待班长审核")),
    ("withheld", _("班长不推荐")),
    ("recommended", _("获推荐")),
    ("overflow", _("超额下转推荐")),
    ("not_recommended", _("未获推荐")),
]
STANDING_LABELS = dict(STANDING_CHOICES)

PEOPLE_SORTS = {"staff_no": "staff_no", "name": "name", "team": "team__name", "level": "app_level", "start": "hotline_start"}
APPLICATION_SORTS = {"staff_no": "person__staff_no", "name": "person__name", "team": "person__team__name",
                     "level": "level", "submitted": "submitted_at"}


def cycles_of(hotline: Hotline) -> QuerySet:
    """The cycles of a hotline, newest first, with their application counts."""
    active = Q(applications__status=ApplicationStatus.ACTIVE)
    return (
        Cycle.objects.filter(hotline=hotline)
        .annotate(
            application_count=Count("applications", filter=active),
            eligible_count=Count("applications", filter=active & Q(applications__eligible=True)),
        )
        .order_by("-year")
    )


def cycle_for(user, hotline: Hotline, year: int) -> Cycle:
    """A cycle the user may read; another hotline's is not found, never forbidden."""
    if not permissions.hotlines_visible_to(user).filter(pk=hotline.pk).exists():
        raise NotFound()
    found = Cycle.objects.filter(hotline=hotline, year=year).select_related("hotline", "policy").first()
    if found is None:
        raise NotFound()
    return found


def stages_of(cycle: Cycle) -> list[CycleStage]:
    return sorted(cycle.stages.all(), key=lambda s: STEP_ORDER.index(s.step))


def open_cycle(hotline_id) -> Cycle | None:
    """The hotline's cycle taking applications (个人申报), if any."""
    return (
        Cycle.objects.filter(hotline_id=hotline_id, step=Step.APPLICATION).select_related("hotline").order_by("-year").first()
    )


def latest_cycle(hotline_id) -> Cycle | None:
    return Cycle.objects.filter(hotline_id=hotline_id).select_related("hotline").order_by("-year").first()


def applications_of_person(person: Person) -> QuerySet:
    """A person's applications in every cycle (withdrawn ones included), newest first."""
    return (
        Application.objects.filter(person=person)
        .select_related("cycle", "cycle__hotline", "recommendation")
        .order_by("-cycle__year", "-submitted_at", "-pk")
    )


def application_by_staff_no(cycle: Cycle, staff_no: str) -> Application | None:
    """The active application of the person with `staff_no` in the cycle (the list correction form names people so)."""
    return Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE, person__staff_no=staff_no).first()


def list_corrections(cycle: Cycle) -> QuerySet:
    """Y2: the corrections of the finalised recommendation list, oldest first, with the person (one query)."""
    return (RecommendationCorrection.objects.filter(cycle=cycle)
            .select_related("recommendation__person").order_by("corrected_at", "pk"))


def active_application(cycle: Cycle, person: Person) -> Application | None:
    return (
        Application.objects.filter(cycle=cycle, person=person, status=ApplicationStatus.ACTIVE)
        .select_related("recommendation")
        .first()
    )


def applications_visible_to(user, cycle: Cycle) -> QuerySet:
    """The cycle's applications of the people the user may read."""
    return Application.objects.filter(cycle=cycle, person__in=permissions.people_visible_to(user))


def application_for(user, cycle: Cycle, pk) -> Application:
    found = (
        applications_visible_to(user, cycle)
        .select_related("person", "person__team", "person__team__leader", "cycle", "cycle__hotline", "recommendation")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass
class ApplicationFilter:
    q: str = ""
    team: object = None
    level: int | None = None
    eligible: str = ""  # "yes" / "no"
    review: str = ""
    status: str = ApplicationStatus.ACTIVE
    sort: str = "staff_no"


def _ordered(rows: QuerySet, sort: str, sorts: dict, default: str) -> QuerySet:
    key = sort if sort.lstrip("-") in sorts else default
    column = F(sorts[key.lstrip("-")])
    return rows.order_by(column.desc(nulls_last=True) if key.startswith("-") else column.asc(nulls_last=True), "pk")


def application_list(user, cycle: Cycle, wanted: ApplicationFilter) -> QuerySet:
    rows = applications_visible_to(user, cycle).select_related("person", "person__team", "recommendation")
    if wanted.status in ApplicationStatus.values:
        rows = rows.filter(status=wanted.status)
    if wanted.q:
        text = wanted.q.strip()
        rows = rows.filter(Q(person__staff_no__icontains=text) | Q(person__name__icontains=text))
    if wanted.team is not None:
        rows = rows.filter(person__team=wanted.team)
    if wanted.level in (1, 2, 3):
        rows = rows.filter(level=wanted.level)
    if wanted.eligible in ("yes", "no"):
        rows = rows.filter(eligible=wanted.eligible == "yes")
    if wanted.review in ReviewStatus.values:
        rows = rows.filter(review_status=wanted.review, eligible=True)
    return _ordered(rows, wanted.sort, APPLICATION_SORTS, "staff_no")


@dataclass(frozen=True)
class Counts:
    applications: int
    eligible: int
    ineligible: int
    pending: int
    confirmed: int
    withheld: int
    withdrawn: int


def counts_of(user, cycle: Cycle) -> Counts:
    """The cycle's application counts among what the user may see: one query."""
    active = Q(status=ApplicationStatus.ACTIVE)
    eligible = active & Q(eligible=True)
    found = applications_visible_to(user, cycle).aggregate(
        n_applications=Count("pk", filter=active),
        n_eligible=Count("pk", filter=eligible),
        n_ineligible=Count("pk", filter=active & Q(eligible=False)),
        n_pending=Count("pk", filter=eligible & Q(review_status=ReviewStatus.PENDING)),
        n_confirmed=Count("pk", filter=eligible & Q(review_status=ReviewStatus.CONFIRMED)),
        n_withheld=Count("pk", filter=eligible & Q(review_status=ReviewStatus.WITHHELD)),
        n_withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
    )
    return Counts(**{key.removeprefix("n_"): value for key, value in found.items()})


# --- where every person stands (the cycle page) -------------------------------------------------


@dataclass
class PeopleFilter:
    q: str = ""
    team: object = None
    standing: str = ""
    level: int | None = None
    everyone: bool = False  # also people not active at R who did not apply
    sort: str = "staff_no"


def _title_level_at(day) -> Subquery:
    held = TitleSpell.objects.filter(person=OuterRef("pk"), start__lte=day).filter(Q(end__isnull=True) | Q(end__gt=day))
    return Subquery(held.order_by("-level").values("level")[:1])


def people_standing(user, cycle: Cycle, wanted: PeopleFilter, the_list: CycleList) -> QuerySet:
    """Every person of the hotline the user may read, with their application in this cycle and where it stands.

    Rows carry app_* annotations (one join); the recommendation comes from
    `the_list` (the stored list, or the live preview before it is final), so
    the page costs the same queries whatever its size.
    """
    R = cycle.reference_date
    rows = (
        permissions.people_visible_to(user)
        .filter(hotline_id=cycle.hotline_id)
        .annotate(app=FilteredRelation("star_applications", condition=Q(
            star_applications__cycle=cycle, star_applications__status=ApplicationStatus.ACTIVE)))
        .annotate(
            app_id=F("app__id"), app_level=F("app__level"), app_eligible=F("app__eligible"),
            app_review=F("app__review_status"), app_reasons=F("app__reasons"),
            app_exception=F("app__leader_exception"), app_honour=F("app__honour"),
            title_level=_title_level_at(R),
        )
        .select_related("team")
    )
    if not wanted.everyone:
        active_at_r = Q(hotline_start__lte=R) & (Q(left_on__isnull=True) | Q(left_on__gt=R))
        rows = rows.filter(active_at_r | Q(app_id__isnull=False))
    if wanted.q:
        text = wanted.q.strip()
        rows = rows.filter(Q(staff_no__icontains=text) | Q(name__icontains=text))
    if wanted.team is not None:
        rows = rows.filter(team=wanted.team)
    if wanted.level in (1, 2, 3):
        rows = rows.filter(app_level=wanted.level)
    rows = _standing_filter(rows, wanted.standing, the_list)
    return _ordered(rows, wanted.sort, PEOPLE_SORTS, "staff_no")


def _standing_filter(rows: QuerySet, standing: str, the_list: CycleList) -> QuerySet:
    listed = {
        "recommended": [r.application_id for r in the_list.rows if r.level is not None and not r.overflow],
        "overflow": [r.application_id for r in the_list.rows if r.overflow],
        "not_recommended": [r.application_id for r in the_list.rows if r.level is None],
    }
    if standing in listed:
        return rows.filter(app_id__in=listed[standing])
    eligible = Q(app_eligible=True)
    return {
        "none": rows.filter(app_id__isnull=True),
        "applied": rows.filter(app_id__isnull=False),
        "ineligible": rows.filter(app_eligible=False),
        "eligible": rows.filter(eligible),
        "pending": rows.filter(eligible, app_review=ReviewStatus.PENDING),
        "withheld": rows.filter(eligible, app_review=ReviewStatus.WITHHELD),
    }.get(standing, rows)


@dataclass(frozen=True)
class Standing:
    """One person's place in the cycle, as the cycle page's row shows it."""

    key: str
    label: str
    tone: str  # a Bootstrap colour
    detail: str = ""


def standing_of(person, cycle: Cycle, the_list: CycleList) -> Standing:
    """Where `person` (a row of people_standing) stands: applied for L, eligible?, reviewed, on the list."""
    if person.app_id is None:
        return Standing("none", str(STANDING_LABELS["none"]), "secondary")
    if not person.app_eligible:
        first = next((r for r in person.app_reasons or () if r.get("passed") is False), None)
        detail = f"{first['rule']}: {first['text']}" if first else ""
        return Standing("ineligible", str(STANDING_LABELS["ineligible"]), "danger", detail)
    row = the_list.row_of(person.app_id)
    if row is not None and (the_list.final or cycle.step == Step.LEADER_CHECK):
        preview = "" if the_list.final else str(_("（预览）"))
        if row.level is None:
            return Standing("not_recommended", str(STANDING_LABELS["not_recommended"]) + preview, "warning",
                            row.reasons[-1].text if row.reasons else "")
        where = str(_("%(level)s星第 %(n)s 位") % {"level": row.level, "n": row.position})
        if row.overflow:
            return Standing("overflow", str(_("转入%(level)s星推荐") % {"level": row.level}) + preview, "info", where)
        return Standing("recommended", str(STANDING_LABELS["recommended"]) + preview, "success", where)
    if person.app_review == ReviewStatus.WITHHELD:
        return Standing("withheld", str(STANDING_LABELS["withheld"]), "dark")
    if cycle.step == Step.LEADER_CHECK and person.app_review == ReviewStatus.PENDING:
        return Standing("pending", str(STANDING_LABELS["pending"]), "primary")
    return Standing("eligible", str(STANDING_LABELS["eligible"]), "success")


def headcount_rows(cycle: Cycle) -> QuerySet:
    """Q1: who was counted in N, as kept when the recommendation step started."""
    return CycleHeadcount.objects.filter(cycle=cycle).select_related("person", "person__team").order_by("staff_no", "pk")


# --- 我的申报: the applicant's own composite score (X5, published to them by X6) ----------------------------

# Which rule gives each part of X5 its figure.
PART_RULES = {"monthly": "M3", "monitoring": "M2", "exam": "X2"}


@dataclass(frozen=True)
class OwnComposite:
    """X5/X6: one candidate's composite as published to them; the committee's votes are never part of it."""

    cycle: Cycle
    candidate: CommitteeCandidate
    parts: tuple[dict, ...]
    reasons: tuple
    at_level: int  # candidates on the same K1 list
    result_final: bool  # K4: the committee's result is shown once its decision is closed

    @property
    def missing(self) -> list[str]:
        return [p["label"] for p in self.parts if p["value"] is None]


def composite_published(cycle: Cycle) -> bool:
    """X6: the composite is fixed and published to the candidate when 集中评定 starts (X5 figures no longer move)."""
    return cycle.reached(Step.COMMITTEE)


def own_composites(person: Person) -> list[OwnComposite]:
    """X5/X6: the person's composite in every cycle that has published it, newest first (two queries)."""
    published = [s for s in STEP_ORDER if composite_published(Cycle(step=s))]
    found = list(CommitteeCandidate.objects.filter(person=person, cycle__step__in=published)
                 .select_related("cycle").order_by("-cycle__year"))
    if not found:
        return []
    counted = (CommitteeCandidate.objects.filter(cycle__in=[c.cycle_id for c in found])
               .values("cycle_id", "start_level").annotate(n=Count("pk")).order_by())
    sizes = {(row["cycle_id"], row["start_level"]): row["n"] for row in counted}
    out = []
    for c in found:
        parts = tuple({**p, "rule": PART_RULES.get(p["key"], "X5")} for p in c.composite_parts)
        # X3/X4 (the exam qualification) and X5 only: the proposal (K2) and decisions stay with the committee.
        reasons = tuple(r for r in reasons_from_json(c.reasons) if r.rule in ("X3", "X4", "X5"))
        out.append(OwnComposite(c.cycle, c, parts, reasons, sizes.get((c.cycle_id, c.start_level), 0),
                                c.cycle.reached(Step.AWARD)))
    return out
