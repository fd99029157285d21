"""E1–E8 for the applications of a cycle: the stored rows in, the policy's decisions out, in bulk.

The rules are policy.eligibility's; this module only feeds them the facts
(yearly_policy.person_facts, one query per kind of fact for every applicant
at once) and writes each decision back onto its Application: the verdict at
the applied level, every check with its rule id (passed or failed), the
levels at which E passes with the application's flags (for Q4 overflow), the
E1 exception and E4 honour flags, and the policy version (P2).
"""
import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from stardesk.cycle.models import Application, ApplicationStatus, Cycle
from stardesk.people.models import Person
from stardesk.policy import cycle as rules_cycle
from stardesk.policy import facts
from stardesk.policy.eligibility import EligibilityDecision, check_all_levels
from stardesk.policy.reasons import Reason
from stardesk.policy.yearly import YearlyPolicy
from stardesk.yearly_policy.person_facts import PeopleFacts, facts_of_people
from stardesk.yearly_policy.queries import PolicyVersion, policy_version

# What a check decides, as the user sees it; checked_at and policy_version say when and by which version.
RESULT_FIELDS = ["eligible", "eligible_levels", "reasons", "leader_exception", "honour"]
CHECK_FIELDS = [*RESULT_FIELDS, "checked_at", "policy_version"]


def reasons_json(reasons: Iterable[Reason]) -> list[dict]:
    return [{"rule": r.rule, "text": r.text, "passed": r.passed} for r in reasons]


def reasons_from_json(data: Iterable[dict]) -> tuple[Reason, ...]:
    return tuple(Reason(item["rule"], item["text"], item.get("passed")) for item in data)


def cycle_policy(cycle: Cycle) -> PolicyVersion:
    """P2: exactly the policy revision the cycle runs on."""
    return policy_version(cycle.hotline_id, cycle.year, cycle.policy_revision)


def rules_cycle_of(cycle: Cycle) -> rules_cycle.Cycle:
    """Y1/Y3: the cycle as the rules see it (year, R, award date)."""
    return rules_cycle.Cycle(cycle.year, cycle.reference_date, cycle.award_date)


def as_rules_application(application: Application, staff_no: str, year: int) -> facts.Application:
    return facts.Application(
        staff_no=staff_no,
        year=year,
        level=application.level,
        leader_recommended=application.leader_recommended,
        recommendation_reason=application.recommendation_reason,
    )


def applicants_facts(cycle: Cycle, people: QuerySet) -> PeopleFacts:
    """The facts E reads for `people` (S2, S4, E4, E6, and E7's June results of the hotline)."""
    return facts_of_people(people, year=cycle.year, hotline=cycle.hotline)


def decisions_for(
    application: Application, person_facts: PeopleFacts, cycle: Cycle, policy: YearlyPolicy
) -> tuple[EligibilityDecision, ...]:
    """E at levels 1–3 with the application's flags; the applied level's decision is the verdict."""
    recorded = person_facts.recorded(application.person_id)
    wanted = as_rules_application(application, recorded.facts.staff_no, cycle.year)
    decisions = check_all_levels(recorded.facts, wanted, rules_cycle_of(cycle), policy, recorded.june)
    if person_facts.june_recorded():
        return decisions
    return tuple(dataclasses.replace(d, reasons=tuple(map(_unrecorded_june, d.reasons))) for d in decisions)


def _unrecorded_june(reason: Reason) -> Reason:
    """E7 without the June results in the product: nobody is ranked (1-star only), and the reason says why,
    rather than "did not sit the exam" (the gate is the policy's; only the wording is about the missing data)."""
    if reason.rule != "E7" or reason.passed is not False:
        return reason
    return Reason("E7", UNRECORDED_JUNE, False)


UNRECORDED_JUNE = "年中综合考试成绩尚未录入本系统，无名次；启用名次门槛时只能申报1星"


def write_decision(application: Application, decisions: Sequence[EligibilityDecision], version: str,
                   at: datetime.datetime) -> bool:
    """Put the decision on the application (not saved); True when anything the user sees changed."""
    verdict = decisions[application.level - 1]
    values = {
        "eligible": verdict.eligible,
        "eligible_levels": "".join(str(d.level) for d in decisions if d.eligible),
        "reasons": reasons_json(verdict.reasons),
        # E1: the exception wherever it opened a level (a 2-star applicant may overflow to 1-star by it, Q4).
        "leader_exception": any(d.leader_exception for d in decisions),
        # E4: an honour of year Y puts the person first on the 2-star list, whatever level they applied for (Q3).
        "honour": decisions[1].honour,
        "policy_version": version,
    }
    changed = any(getattr(application, name) != value for name, value in values.items() if name in RESULT_FIELDS)
    for name, value in values.items():
        setattr(application, name, value)
    application.checked_at = at
    return changed


def store(applications: Sequence[Application], fields: Sequence[str]) -> None:
    """Write `fields` of many stored applications: one prepared UPDATE run for all rows (executemany),
    much faster than a CASE per row for thousands of them (20,000 agents)."""
    if not applications:
        return
    meta = Application._meta
    now = timezone.now()
    for application in applications:
        application.updated_at = now  # what auto_now would do on save()
    columns = [meta.get_field(name) for name in (*fields, "updated_at")]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(a, field.attname), connection) for field in columns] + [a.pk]
        for a in applications
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def check_applications(
    cycle: Cycle, applications: list[Application], *, people: QuerySet | None = None,
    policy: PolicyVersion | None = None, at: datetime.datetime | None = None,
) -> list[Application]:
    """E1–E8 at R for `applications` (set on the rows, not saved); returns those whose result changed.

    One query per kind of fact for all of them together, then the policy's
    pure functions: 20,000 applications cost the same handful of queries as
    one. `people` (a queryset of the applicants) saves sending their ids.
    """
    if not applications:
        return []
    policy = policy or cycle_policy(cycle)
    at = at or timezone.now()
    if people is None:
        people = Person.objects.filter(pk__in={a.person_id for a in applications})
    known = applicants_facts(cycle, people)
    changed = []
    for application in applications:
        decisions = decisions_for(application, known, cycle, policy.policy)
        if write_decision(application, decisions, policy.version, at):
            changed.append(application)
    return changed


def active_applicants(cycle: Cycle) -> QuerySet:
    """The people with an active application in the cycle, as a subquery-friendly queryset."""
    return Person.objects.filter(star_applications__cycle=cycle, star_applications__status=ApplicationStatus.ACTIVE)
