"""Who may open which allowance, proposal and ratings page: (page, role) → status. A refusal changes nothing."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.payouts.models import AllowanceLine, LowScoreProposal, ProposalStatus
from tests.payouts import api_records

ROLES = ("anonymous", "agent", "leader", "supervisor", "committee", "admin")


@pytest.fixture
def fx(hotline, other_hotline, team, other_team, agent_person, stranger, foreigner, users, policies):
    proposal = LowScoreProposal.objects.create(
        hotline=hotline, person=agent_person, team=team, year=2025, trigger_month=datetime.date(2025, 3, 1), kind="连续3个月",
        months=["2025-01", "2025-02", "2025-03"], scores=["94", "94", "94"], job_type="话务员", level_before=2, level_after=1,
        end_reason="lowered", effective_on=datetime.date(2025, 4, 1), basis="M6: …", policy_version="2025 第1版",
        detected_at=timezone.now(),
    )
    return {
        "own_line": api_records.allowance_line(agent_person),
        "other_line": api_records.allowance_line(stranger),
        "agent_person": agent_person,
        "stranger": stranger,
        "foreigner": foreigner,
        "proposal": proposal,
        "team": team,
        "other_team": other_team,
        "users": users,
    }


# page: (method, url builder, data)
PAGES = {
    "month": ("get", lambda f: reverse("payouts:index") + "?month=2025-03", None),
    "export": ("get", lambda f: reverse("payouts:export", args=["2025-03", "xlsx"]), None),
    "recompute": ("post", lambda f: reverse("payouts:recompute", args=["2025-03"]), {}),
    "own_line": ("get", lambda f: reverse("payouts:line", args=[f["own_line"].pk]), None),
    "other_team_line": ("get", lambda f: reverse("payouts:line", args=[f["other_line"].pk]), None),
    "own_person": ("get", lambda f: reverse("payouts:person", args=[f["agent_person"].pk]), None),
    "other_team_person": ("get", lambda f: reverse("payouts:person", args=[f["stranger"].pk]), None),
    "other_hotline_person": ("get", lambda f: reverse("payouts:person", args=[f["foreigner"].pk]), None),
    "mine": ("get", lambda f: reverse("payouts:mine"), None),
    "proposals": ("get", lambda f: reverse("payouts:proposals"), None),
    "proposal": ("get", lambda f: reverse("payouts:proposal", args=[f["proposal"].pk]), None),
    "proposal_reject": ("post", lambda f: reverse("payouts:proposal", args=[f["proposal"].pk]), {"action": "reject", "reason": "复核"}),
    "ratings": ("get", lambda f: reverse("payouts:ratings"), None),
    "own_team": ("get", lambda f: reverse("payouts:team", args=[f["team"].pk]), None),
    "other_team": ("get", lambda f: reverse("payouts:team", args=[f["other_team"].pk]), None),
}

MATRIX = [
    # page                 anonymous agent leader supervisor committee admin
    ("month",                 302,  302,  200,   200,      200,   200),
    ("export",                302,  403,  200,   200,      200,   200),
    ("recompute",             302,  403,  403,   302,      403,   302),
    ("own_line",              302,  200,  200,   200,      200,   200),
    ("other_team_line",       302,  404,  404,   200,      200,   200),
    ("own_person",            302,  200,  200,   200,      200,   200),
    ("other_team_person",     302,  404,  404,   200,      200,   200),
    ("other_hotline_person",  302,  404,  404,   404,      404,   200),
    ("mine",                  302,  302,  404,   404,      404,   404),
    ("proposals",             302,  302,  200,   200,      200,   200),
    ("proposal",              302,  200,  200,   200,      200,   200),
    ("proposal_reject",       302,  403,  403,   302,      403,   302),
    ("ratings",               302,  302,  200,   200,      200,   200),
    ("own_team",              302,  404,  200,   200,      200,   200),
    ("other_team",            302,  404,  404,   200,      200,   200),
]
CASES = [(page, role, status) for page, *statuses in MATRIX for role, status in zip(ROLES, statuses)]


def _state():
    return (
        list(AllowanceLine.objects.order_by("pk").values()),
        list(LowScoreProposal.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role", "expected"), CASES, ids=[f"{p}-{r}" for p, r, _s in CASES])
def test_payouts_page_permissions(client, fx, page, role, expected):
    if role != "anonymous":
        client.force_login(fx["users"][role])
    method, url, data = PAGES[page]
    before = _state()
    response = getattr(client, method)(url(fx), data) if data is not None else getattr(client, method)(url(fx))
    assert response.status_code == expected
    if expected in (302, 403, 404) and method == "post" and role not in ("supervisor", "admin"):
        assert _state() == before
    if page == "proposal_reject" and expected == 302 and role != "anonymous":
        assert LowScoreProposal.objects.get().status == ProposalStatus.REJECTED
