"""Statistics of a sitting (distribution, mean, median, spread) and item analysis (facility, discrimination by
the upper and lower 27%, exposure) with the flags of badly behaving questions."""
from decimal import Decimal

import pytest

from stardesk.exams import exam_statistics
from stardesk.exams.models import QuestionType
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import close, grade_all, sit

D = Decimal


def test_distribution_mean_median_and_spread():
    scores = [D("55"), D("72.5"), D("80"), D("80"), D("91"), D("100")]
    stats = exam_statistics.score_statistics(scores, [False, False, False, False, True, True])
    assert stats.count == 6
    assert stats.mean == D("79.8")  # 478.5 / 6 = 79.75 → 79.8 (C2 half up)
    assert stats.median == D("80.0")
    assert stats.spread == D("14.15")  # population standard deviation: √(1201.875 ÷ 6) = 14.153…
    assert (stats.lowest, stats.highest) == (D("55"), D("100"))
    assert [(b.label, b.count) for b in stats.bands if b.count] == [("50–60", 1), ("70–80", 1), ("80–90", 2), ("90–100", 2)]
    assert (stats.passed, stats.pass_rate) == (2, D("0.33"))


def test_an_even_count_takes_the_mean_of_the_middle_two():
    assert exam_statistics.score_statistics([D("60"), D("70.5")], []).median == D("65.3")  # 65.25 half up


def test_no_scores_no_figures():
    stats = exam_statistics.score_statistics([], [])
    assert (stats.count, stats.mean, stats.median, stats.pass_rate) == (0, None, None, None)


@pytest.fixture
def analysed(make_sitting, skills_paper, candidates, supervisor):
    """Eight candidates: the strong ones answer every single choice right, the weak ones only the first;
    the first single is answered right by everyone (too easy), the others split strong from weak."""
    people = candidates(8)
    sitting = make_sitting(paper=skills_paper, invite=[p for p, _u in people])
    for n, (_person, user) in enumerate(people):
        strong = n < 4
        sit(sitting, user, singles_right=5 if strong else 1)
    close(sitting, supervisor)
    scores = {}
    for n, (person, _user) in enumerate(people):
        strong = n < 4
        scores[person.pk] = {QuestionType.SHORT_ANSWER: "9" if strong else "3", QuestionType.TYPING: "40", QuestionType.SPEAKING: "40"}
    grade_all(sitting, supervisor, scores)
    return sitting


def test_item_facility_discrimination_and_exposure(analysed):
    stats, items = exam_statistics.sitting_statistics(analysed)
    assert stats.count == 8
    by_stem = {i.version.stem: i for i in items}
    everyone_right = next(i for i in items if i.version.question.qtype == QuestionType.SINGLE and i.facility == D("1.00"))
    # P = 1.00 > 0.95: flagged too easy; D = 1.00 − 1.00 = 0 < 0.20: flagged as not discriminating
    assert everyone_right.discrimination == D("0.00")
    assert any("偏易" in f for f in everyone_right.flags) and any("区分度低" in f for f in everyone_right.flags)
    splitting = [i for i in items if i.version.question.qtype == QuestionType.SINGLE and i.facility == D("0.50")]
    assert len(splitting) == 4
    # groups of round(0.27 × 8) = 2: the best two all right, the worst two all wrong → D = 1.00
    assert all(i.discrimination == D("1.00") and not i.flags for i in splitting)
    short = next(i for i in by_stem.values() if i.version.question.qtype == QuestionType.SHORT_ANSWER)
    assert short.facility == D("0.60")  # (4 × 0.9 + 4 × 0.3) / 8
    assert all(i.exposure == D("1.00") and i.seen == 8 for i in items)


def test_the_statistics_page_draws_the_histogram_with_the_local_echarts(client, analysed, supervisor):
    client.force_login(supervisor)
    page = client.get(f"/exams/results/sittings/{analysed.pk}/statistics/").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in page and 'id="histogram-data"' in page
    assert "偏易（难度系数 &gt; 0.95）" in page or "偏易（难度系数 > 0.95）" in page
