"""Q3–Q4: recommendation order and overflow."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from stardesk.policy.quotas import Quotas, quotas_for
from stardesk.policy.reasons import basis
from stardesk.policy.recommendation import Applicant, order_key, recommend

from .builders import POLICY, d

ALL = frozenset({1, 2, 3})


def app(staff_no, level, rating=None, start="2020-01-01", honour=False, eligible=ALL):
    return Applicant(staff_no, level, frozenset(eligible), d(start),
                     Fraction(rating) if rating is not None else None, honour)


def quotas(l1, l2, l3):
    return Quotas(0, l1, l2, l3, (), POLICY.p2_version)


def test_q3_honour_route_comes_first_at_two_star():
    # given an honour holder with a lower rating
    result = recommend([app("1", 2, "95"), app("2", 2, "80", honour=True)], quotas(5, 1, 0), POLICY)
    # then the honour holder takes the only 2-star place
    assert [e.staff_no for e in result.at_level(2)] == ["2"]
    assert "荣誉优先（E4）" in basis(result.at_level(2)[0])


def test_q3_rating_high_to_low_with_unrated_last():
    result = recommend([app("1", 1, None), app("2", 1, "91"), app("3", 1, "93")], quotas(3, 0, 0), POLICY)
    assert [e.staff_no for e in result.at_level(1)] == ["3", "2", "1"]
    assert [e.position for e in result.at_level(1)] == [1, 2, 3]


def test_q3_ties_broken_by_earlier_start_then_staff_number():
    result = recommend([app("20", 1, "90", "2019-01-01"), app("3", 1, "90", "2019-01-01"),
                        app("1", 1, "90", "2020-01-01")], quotas(3, 0, 0), POLICY)
    assert [e.staff_no for e in result.at_level(1)] == ["3", "20", "1"]


def test_q3_ordering_uses_the_exact_rating_not_the_shown_one():
    # given both shown as 90.02: 540.1/6 = 90.0166… and 450.1/5 = 90.02
    a = app("1", 1, Fraction("540.1") / 6, start="2010-01-01")
    b = app("2", 1, Fraction("450.1") / 5, start="2020-01-01")
    result = recommend([a, b], quotas(2, 0, 0), POLICY)
    # then the exact higher one comes first despite the later start
    assert [e.staff_no for e in result.at_level(1)] == ["2", "1"]
    assert [e.rating_shown for e in result.at_level(1)] == [Decimal("90.02"), Decimal("90.02")]


def test_q3_not_eligible_at_the_applied_level_is_not_recommended():
    result = recommend([app("1", 2, "99", eligible={1})], quotas(3, 3, 3), POLICY)
    assert result.entries == ()
    assert basis(result.not_recommended[0]) == "Q3: 不符合2星申报条件，不参与推荐排序"


def test_q4_overflow_moves_down_to_the_next_level_if_eligible():
    # given two 3-star applicants for one place
    result = recommend([app("1", 3, "95"), app("2", 3, "90")], quotas(5, 2, 1), POLICY)
    # then the second is on the 2-star list with the reason recorded
    assert [(e.staff_no, e.level) for e in result.entries] == [("1", 3), ("2", 2)]
    assert basis(result.at_level(2)[0]) == ("Q4: 3星名额 1 人已满（排第 2 位）；Q4: 转入2星推荐名单；"
                                            "Q3: 2星推荐第 1 位（名额 2 人），初审评定 90")
    assert result.at_level(2)[0].overflow


def test_q4_overflow_is_ordered_together_with_the_lower_level_applicants():
    # given a 3-star overflow rated 90 and a 2-star applicant rated 92, one 2-star place
    result = recommend([app("1", 3, "95"), app("2", 3, "90"), app("3", 2, "92")], quotas(5, 1, 1), POLICY)
    # then the 2-star applicant keeps the place, the overflow goes on to 1-star
    assert [(e.staff_no, e.level) for e in result.entries] == [("1", 3), ("3", 2), ("2", 1)]


def test_q4_overflow_skips_a_level_where_not_eligible():
    result = recommend([app("1", 3, "95"), app("2", 3, "90", eligible={1, 3})], quotas(5, 2, 1), POLICY)
    entry = [e for e in result.entries if e.staff_no == "2"][0]
    assert entry.level == 1
    assert "Q4: 不符合2星申报条件" in basis(entry)


def test_q4_beyond_one_star_not_recommended_with_reason():
    result = recommend([app("1", 1, "95"), app("2", 1, "90")], quotas(1, 0, 0), POLICY)
    assert [e.staff_no for e in result.entries] == ["1"]
    assert basis(result.not_recommended[0]) == "Q4: 1星名额 1 人已满（排第 2 位）；Q4: 无更低可推荐星级，不予推荐"


applicants = st.lists(
    st.tuples(st.sampled_from([1, 2, 3]), st.one_of(st.none(), st.integers(0, 1000)),
              st.integers(0, 3000), st.booleans(), st.sets(st.sampled_from([1, 2, 3]))),
    max_size=60)


@settings(deadline=None)
@given(applicants, st.integers(0, 200))
def test_q2_recommendations_never_exceed_the_quotas(rows, n):
    # given any applicants and the quotas of N
    q = quotas_for(n, POLICY)
    apps = [Applicant(str(i), lv, frozenset(el), date(2010, 1, 1) + timedelta(days=days),
                      Fraction(r, 10) if r is not None else None, hon)
            for i, (lv, r, days, hon, el) in enumerate(rows)]
    # when
    result = recommend(apps, q, POLICY)
    # then no level is over quota, everybody is placed once or refused once
    for L, count in result.counts().items():
        assert count <= q.for_level(L)
    placed = [e.staff_no for e in result.entries]
    refused = [r.staff_no for r in result.not_recommended]
    assert sorted(placed + refused) == sorted(a.staff_no for a in apps)
    assert all(e.level in next(a for a in apps if a.staff_no == e.staff_no).eligible_levels for e in result.entries)


@settings(deadline=None)
@given(applicants)
def test_q3_list_order_is_the_documented_order_key(rows):
    # given everyone eligible at the applied level and room for all
    apps = [Applicant(str(i), lv, ALL, date(2010, 1, 1) + timedelta(days=days),
                      Fraction(r, 10) if r is not None else None, hon)
            for i, (lv, r, days, hon, _) in enumerate(rows)]
    result = recommend(apps, quotas(100, 100, 100), POLICY)
    # then each list is in Q3 order
    by_no = {a.staff_no: a for a in apps}
    for L in (1, 2, 3):
        listed = [by_no[e.staff_no] for e in result.at_level(L)]
        assert listed == sorted(listed, key=lambda a: order_key(a, L))
