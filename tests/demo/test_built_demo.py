"""The default demo group, built once for this module: who is in it and a title history that keeps the rules."""
import datetime
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from stardesk.accounts.models import Role
from stardesk.demo import hotline_builder, title_history
from stardesk.people.models import Hotline, Person, Team, TitleEndReason, TitleSpell

SANCTIONS = {TitleEndReason.LOWERED, TitleEndReason.REVOKED}


def log_in(username: str):
    """The login path with its throttling backend, which needs the request."""
    return authenticate(RequestFactory().post("/login/"), username=username, password=hotline_builder.DEMO_PASSWORD)


def held_on(spells, day):
    return [s for s in spells if s.start <= day and (s.end is None or s.end > day)]


# -- who is in the demo ----------------------------------------------------------------------


def test_default_demo_is_one_hotline_of_eight_teams_and_120_agents(demo):
    hotline = Hotline.objects.get()
    assert (hotline.name, hotline.code) == ("有线电视服务热线", "main")
    assert list(Team.objects.order_by("id").values_list("name", flat=True)) == ["一班", "二班", "三班", "四班", "五班", "六班", "七班", "八班"]
    assert Person.objects.count() == 120
    types = Counter(Person.objects.values_list("employment_type", flat=True))
    assert types["permanent"] > types["temporary"] + types["outsourced"] > 0
    assert set(Person.objects.values_list("job_type", flat=True)) == {"话务员", "投诉处理员", "网络报修受理员"}
    assert 0 < Person.objects.filter(left_on__isnull=False).count() < 20


# -- accounts --------------------------------------------------------------------------------


def test_every_role_has_a_login_with_the_demo_password(demo):
    for username, role in (("admin", Role.ADMIN), ("supervisor", Role.SUPERVISOR), ("committee1", Role.COMMITTEE), ("committee2", Role.COMMITTEE), ("leader1", Role.LEADER)):
        user = log_in(username)
        assert user is not None and user.role == role
    agent = log_in("1001")
    assert agent is not None and agent.role == Role.AGENT and agent.person.staff_no == "1001"


def test_every_team_is_led_by_a_leader_of_its_hotline(demo):
    for team in Team.objects.select_related("leader"):
        assert team.leader.role == Role.LEADER
        assert team.leader.hotline_id == team.hotline_id
    assert len({t.leader_id for t in Team.objects.all()}) == 8


def test_every_agent_has_an_account_and_leavers_cannot_log_in(demo):
    people = Person.objects.select_related("user")
    assert all(p.user.username == p.staff_no for p in people)
    leaver = Person.objects.filter(left_on__isnull=False).first()
    assert log_in(leaver.staff_no) is None


# -- the title history keeps the rules ---------------------------------------------------


@pytest.fixture
def spells_by_person(demo):
    spells = defaultdict(list)
    for spell in TitleSpell.objects.select_related("person"):
        spells[spell.person_id].append(spell)
    return spells


def test_ceremonies_give_about_30_percent_one_star_fewer_two_star_few_three_star(demo):
    for cycle in title_history.CYCLES:
        levels = Counter(TitleSpell.objects.filter(start=cycle.award_day).values_list("level", flat=True))
        active = Person.objects.active_on(cycle.reference_day).count()
        assert levels[1] >= 0.25 * active
        # E7 lets only the June exam's top 10 apply above 1 star, the top 5 for 3 stars.
        assert levels[1] > levels[2] >= 1
        assert 1 <= levels[3] <= title_history.RANK_LIMITS[3]
        assert levels[2] + levels[3] <= title_history.RANK_LIMITS[2]


def test_q1_q2_holders_at_each_level_never_exceed_the_quota_of_the_cycle(demo):
    for cycle in title_history.CYCLES:
        limit = title_history.quotas(Person.objects.active_on(cycle.reference_day).count())
        awarded = Counter(TitleSpell.objects.filter(start=cycle.award_day).values_list("level", flat=True))
        assert all(awarded[level] <= limit[level] for level in (1, 2, 3))
        assert awarded[1] == limit[1]  # enough eligible agents: the 1-star list is full


def test_quota_counts_follow_c4_half_up():
    assert title_history.quotas(100) == {1: 30, 2: 9, 3: 3}
    assert title_history.quotas(45) == {1: 14, 2: 4, 3: 1}


def test_s4_spells_of_one_job_type_never_overlap_and_every_ended_spell_has_a_reason(spells_by_person):
    for spells in spells_by_person.values():
        ordered = sorted(spells, key=lambda s: s.start)
        for earlier, later in zip(ordered, ordered[1:]):
            assert earlier.end is not None and earlier.end <= later.start
        for spell in spells:
            assert (spell.end is None) == (spell.end_reason == "")


def test_a1_the_second_ceremony_ends_every_title_held_the_day_before(spells_by_person):
    award = title_history.CYCLES[1].award_day
    for spells in spells_by_person.values():
        for spell in held_on(spells, award - datetime.timedelta(days=1)):
            assert spell.end == award and spell.end_reason == TitleEndReason.RENEWAL


def test_e2_e3_e5_second_cycle_awards_only_one_level_above_the_title_held_at_r(spells_by_person):
    cycle = title_history.CYCLES[1]
    for spells in spells_by_person.values():
        for award in (s for s in spells if s.start == cycle.award_day):
            held = max((s.level for s in held_on(spells, cycle.reference_day)), default=0)
            assert award.level <= held + 1


def test_e1_e2_tenure_of_a_year_at_r_for_every_award(demo):
    for cycle in title_history.CYCLES:
        for spell in TitleSpell.objects.filter(start=cycle.award_day).select_related("person"):
            person = spell.person
            assert title_history.tenure_of_a_year(person.hotline_start, cycle.reference_day)
            if spell.level > 1:
                assert title_history.tenure_of_a_year(person.job_type_start, cycle.reference_day)


def test_e6_nobody_sanctioned_in_the_year_before_r_is_awarded(spells_by_person):
    cycle = title_history.CYCLES[1]
    sanctioned = 0
    for spells in spells_by_person.values():
        bans = [
            s.end
            for s in spells
            if s.end_reason in SANCTIONS and s.end <= cycle.reference_day < title_history.one_year_after(s.end)
        ]
        if bans:
            sanctioned += 1
            assert not any(s.start == cycle.award_day for s in spells)
    assert sanctioned >= 1  # the story does sanction someone


def test_e7_two_and_three_star_awards_go_to_june_ranks_within_the_limit(demo):
    ranks = demo.facts["june_ranks"]["main"]
    people = {p.pk: i for i, p in enumerate(demo.hotlines[0].people)}
    for cycle in title_history.CYCLES:
        for spell in TitleSpell.objects.filter(start=cycle.award_day, level__gte=2):
            rank = ranks[cycle.year][people[spell.person_id]]
            assert rank <= title_history.RANK_LIMITS[spell.level]


def test_j3_ranking_moves_happen_on_the_first_of_july_one_level_or_more_down(spells_by_person):
    moves = 0
    for spells in spells_by_person.values():
        for spell in spells:
            if spell.end_reason == TitleEndReason.RANK_ADJUSTMENT:
                moves += 1
                assert (spell.end.month, spell.end.day) == (7, 1)
                following = next(s for s in spells if s.start == spell.end)
                assert following.level < spell.level
    assert moves >= 1


def test_e8_leavers_hold_no_title_after_leaving(spells_by_person):
    for spells in spells_by_person.values():
        left_on = spells[0].person.left_on
        if left_on is not None:
            assert all(s.start < left_on and s.end is not None and s.end <= left_on for s in spells)


def test_lowered_titles_continue_one_level_lower_and_revoked_ones_stop(spells_by_person):
    seen = Counter()
    for spells in spells_by_person.values():
        for spell in spells:
            if spell.end_reason == TitleEndReason.LOWERED:
                following = next(s for s in spells if s.start == spell.end)
                assert following.level == spell.level - 1
                seen["lowered"] += 1
            if spell.end_reason == TitleEndReason.REVOKED:
                assert not any(s.start == spell.end for s in spells)
                seen["revoked"] += 1
    assert seen["lowered"] + seen["revoked"] >= 2
