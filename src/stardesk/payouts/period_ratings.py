"""M7 on pages: quarterly, half-year and yearly ratings per person and per team, and the score trends.

The ratings are policy.ratings' (the mean over the scored months of the
period; none scored = no rating, ordered after everyone rated; shown to 0.01
half up, ordered by the exact value). The 初审评定 is the mean of the last
whole months ending on or before a reference date (the policy's
m7_preliminary_months), the figure that orders recommendations (Q3).

A team's rating for a period is the mean of its members' ratings, each member
weighing the same however many months they were scored; a member counts in a
team for the months whose score was confirmed in that team's register, so a
person who moved is rated in each team for their months there. Members
without a score in the period are left out (and counted as unrated).

Scores are the confirmed monthly scores (M3): one query for all people shown.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from stardesk.assessment import monthly_rules
from stardesk.assessment.models import MonthlyScore
from stardesk.policy.conventions import Month, months_between, round_half_up, window_months
from stardesk.policy.ratings import (
    Rating,
    exact_sort_keys,
    half_year_rating,
    preliminary_rating,
    quarter_rating,
    year_rating,
)
from stardesk.policy.reasons import num
from stardesk.policy.yearly import LowerOrCancel
from stardesk.yearly_policy import queries as yearly_policy

# Column key → its header; the order of the table.
PERIODS: tuple[tuple[str, object], ...] = (
    ("q1", _("第一季度")),
    ("q2", _("第二季度")),
    ("q3", _("第三季度")),
    ("q4", _("第四季度")),
    ("h1", _("上半年")),
    ("h2", _("下半年")),
    ("year", _("年度")),
)
PRELIMINARY = "prelim"
PERIOD_KEYS = tuple(key for key, _label in PERIODS) + (PRELIMINARY,)
TREND_MONTHS = 24


def period_ratings(scores: dict[Month, Decimal], year: int) -> dict[str, Rating]:
    """M1/M7: every period rating of `year` for one person's scores."""
    found = {f"q{q}": quarter_rating(scores, year, q) for q in (1, 2, 3, 4)}
    found["h1"] = half_year_rating(scores, year, 1)
    found["h2"] = half_year_rating(scores, year, 2)
    found["year"] = year_rating(scores, year)
    return found


@dataclass(frozen=True)
class Preliminary:
    """Which 初审评定 is shown: the reference date R and the number of whole months (policy m7_preliminary_months)."""

    as_of: datetime.date
    months: int
    policy_version: str

    @property
    def window(self) -> tuple[Month, ...]:
        return window_months(self.as_of, self.months)


def preliminary_for(hotline, as_of: datetime.date) -> Preliminary | None:
    """M7: the preliminary rating's window from the policy of R's year (or the latest before it); None without any policy."""
    version = monthly_rules.policy_for(hotline, Month.of(as_of)) or yearly_policy.policy_for_year_or_before(hotline, as_of.year)
    if version is None:
        return None
    return Preliminary(as_of, version.policy.m7_preliminary_months, version.version)


def _scores_by_person(person_ids, first: Month, last: Month) -> tuple[dict, dict]:
    """Confirmed scores of the people from `first` to `last` (one query): person → {month: score},
    and (person, team) → {month: score} for the team ratings."""
    by_person: dict[int, dict[Month, Decimal]] = defaultdict(dict)
    by_team: dict[tuple[int, int], dict[Month, Decimal]] = defaultdict(dict)
    rows = MonthlyScore.objects.filter(
        person__in=person_ids, month__gte=first.first_day, month__lte=last.first_day, confirmed_at__isnull=False, score__isnull=False
    ).values_list("person_id", "team_id", "month", "score")
    for person_id, team_id, month, score in rows:
        m = Month.of(month)
        by_person[person_id][m] = score
        if team_id is not None:
            by_team[(person_id, team_id)][m] = score
    return by_person, by_team


@dataclass
class PersonRatings:
    person: object
    ratings: dict[str, Rating]

    def shown(self, key: str):
        rating = self.ratings.get(key)
        return rating.shown if rating is not None else None


@dataclass
class TeamRating:
    """A team's rating for one period: the mean of its members' ratings (exact), and how many were rated."""

    label: str
    value: Fraction | None
    rated: int
    members: int

    @property
    def shown(self) -> Decimal | None:
        return None if self.value is None else round_half_up(self.value, 2)


@dataclass
class TeamRatings:
    team: object
    ratings: dict[str, TeamRating]

    def shown(self, key: str):
        rating = self.ratings.get(key)
        return rating.shown if rating is not None else None


@dataclass
class RatingsTable:
    year: int
    people: list[PersonRatings]
    teams: list[TeamRatings]
    preliminary: Preliminary | None


def _team_rating(label: str, ratings: list[Rating]) -> TeamRating:
    values = [r.value for r in ratings if r.value is not None]
    mean = sum(values, Fraction(0)) / len(values) if values else None
    return TeamRating(label, mean, len(values), len(ratings))


def ratings_table(people: list, teams: list, year: int, *, preliminary: Preliminary | None = None, sort: str = "-year") -> RatingsTable:
    """M7 for `people` (Person rows with `team`) and `teams` in `year`: one query for every score needed.

    People are ordered by the chosen period's exact rating (`sort` "-q1": high
    first; "q1": low first), the unrated last either way, then by 工号 (M7);
    `sort` "staff_no" orders by 工号.
    """
    first, last = Month(year, 1), Month(year, 12)
    if preliminary is not None:
        first, last = min(first, preliminary.window[0]), max(last, preliminary.window[-1])
    person_ids = [p.pk for p in people]
    by_person, by_team = _scores_by_person(person_ids, first, last) if person_ids else ({}, {})
    rows = []
    for person in people:
        scores = by_person.get(person.pk, {})
        found = period_ratings(scores, year)
        if preliminary is not None:
            found[PRELIMINARY] = preliminary_rating(scores, preliminary.as_of, preliminary.months)
        rows.append(PersonRatings(person, found))
    key = sort.lstrip("-") if sort.lstrip("-") in PERIOD_KEYS else "year"
    high_first = sort.startswith("-") or sort.lstrip("-") not in PERIOD_KEYS
    if sort.lstrip("-") == "staff_no":
        rows.sort(key=lambda r: r.person.staff_no, reverse=sort.startswith("-"))
    else:
        rows = _ordered(rows, [getattr(r.ratings.get(key), "value", None) for r in rows], lambda r: r.person.staff_no, high_first)
    team_rows = []
    members_of: dict[int, list[int]] = defaultdict(list)
    for person_id, team_id in by_team:
        members_of[team_id].append(person_id)
    for team in teams:
        ratings: dict[str, list[Rating]] = defaultdict(list)
        for person_id in members_of.get(team.pk, []):
            for k, rating in period_ratings(by_team[(person_id, team.pk)], year).items():
                ratings[k].append(rating)
            if preliminary is not None:
                ratings[PRELIMINARY].append(preliminary_rating(by_team[(person_id, team.pk)], preliminary.as_of, preliminary.months))
        team_rows.append(TeamRatings(team, {k: _team_rating(k, v) for k, v in ratings.items()}))
    team_rows = _ordered(team_rows, [r.ratings[key].value if key in r.ratings else None for r in team_rows], lambda r: r.team.name, high_first)
    return RatingsTable(year, rows, team_rows, preliminary)


def _ordered(items: list, values: list, tie, high_first: bool) -> list:
    """M7: by the exact rating, high first (or low first when asked), the unrated always last, then by `tie`."""
    keys = exact_sort_keys(values)  # (0, -value) for the rated, (1, 0) for the unrated, exact integers
    if not high_first:
        keys = [(rated, -value) for rated, value in keys]
    order = sorted(range(len(items)), key=lambda i: (keys[i], tie(items[i])))
    return [items[i] for i in order]


# --- trends -------------------------------------------------------------------------


def trend_months(last: Month, count: int = TREND_MONTHS) -> tuple[Month, ...]:
    return months_between(last.plus(-(count - 1)), last)


def _bands(hotline, last: Month) -> dict | None:
    """M4's bands for the chart (figures as text: ECharts reads them, no float is made), from the policy of the last month's year (or the latest before it)."""
    version = monthly_rules.policy_for(hotline, last) or yearly_policy.policy_for_year_or_before(hotline, last.year)
    if version is None:
        return None
    policy = version.policy
    low = _("取消当月待遇") if policy.m4_low_score_choice is LowerOrCancel.CANCEL else _("再降一级")
    full, proportional = num(policy.m4_full_rate_from), num(policy.m4_proportional_from)
    return {
        "full": full,
        "proportional": proportional,
        "labels": {
            "full": str(_("全额发放（≥%(n)s分）") % {"n": full}),
            "proportional": str(_("按得分比例（%(a)s–%(b)s分）") % {"a": proportional, "b": full}),
            "low": str(_("%(what)s（<%(n)s分）") % {"what": low, "n": proportional}),
        },
        "version": version.version,
    }


def person_trend(person, last: Month) -> dict:
    """The person's confirmed monthly scores of the 24 months up to `last`, for the chart (None where unscored)."""
    months = trend_months(last)
    scores = {
        Month.of(m): s
        for m, s in MonthlyScore.objects.filter(
            person=person, month__gte=months[0].first_day, month__lte=last.first_day, confirmed_at__isnull=False, score__isnull=False
        ).values_list("month", "score")
    }
    return {
        "title": str(_("%(name)s 月度得分走势") % {"name": person.name}),
        "series": str(_("月度得分")),
        "unit": str(_("分")),
        "months": [str(m) for m in months],
        "scores": [num(scores[m]) if m in scores else None for m in months],
        "bands": _bands(person.hotline, last),
        "scored": len(scores),
    }


def team_trend(team, last: Month) -> dict:
    """The team's mean confirmed score per month (scores confirmed in its register), shown to 0.01, and how many."""
    months = trend_months(last)
    found: dict[Month, list[Decimal]] = defaultdict(list)
    for m, s in MonthlyScore.objects.filter(
        team=team, month__gte=months[0].first_day, month__lte=last.first_day, confirmed_at__isnull=False, score__isnull=False
    ).values_list("month", "score"):
        found[Month.of(m)].append(s)
    means = {m: round_half_up(Fraction(sum(v, Decimal(0))) / len(v), 2) for m, v in found.items()}
    return {
        "title": str(_("%(team)s 月度平均得分走势") % {"team": team.name}),
        "series": str(_("班组平均得分")),
        "unit": str(_("分")),
        "months": [str(m) for m in months],
        "scores": [str(means[m]) if m in means else None for m in months],
        "counts": [len(found.get(m, ())) for m in months],
        "bands": _bands(team.hotline, last),
        "scored": len(means),
    }
