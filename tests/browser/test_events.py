"""In the browser: a team leader records a veto with evidence, the supervisor confirms its title
sanction, and the title history shows the lowering (M5, V1, S4)."""
import struct
import zlib

import pytest
from django.utils import timezone

from stardesk.events.models import Event, SanctionStatus
from stardesk.people.models import TitleEndReason, TitleSpell
from tests.browser.conftest import htmx_redraw, log_in, screenshot
from tests.events.conftest import media_root, record, two_star  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _png(width=48, height=32) -> bytes:
    """A small red-striped PNG, as a phone screenshot would be attached."""
    rows = b"".join(b"\x00" + b"".join(b"\xd0\x30\x30" if (x // 4) % 2 else b"\xff\xff\xff" for x in range(width)) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_m5_veto_with_evidence_recorded_and_its_title_sanction_confirmed(page, log_in_as, live_server, agent_person, two_star, supervisor, tmp_path):
    evidence = tmp_path / "通话截图.png"
    evidence.write_bytes(_png())

    # the team leader records a 严重 violation of 张三 (2-star), choosing 降级
    log_in_as("leader")
    page.goto(f"{live_server.url}/events/new/")
    page.locator("#id_staff_no").fill("1001")
    page.get_by_test_id("person-found").filter(has_text="张三").wait_for()
    # each choice redraws the handling fields; wait for the redraw before the next choice
    with htmx_redraw(page, "/events/new/handling/"):
        page.locator("#id_category").select_option("violation")
    with htmx_redraw(page, "/events/new/handling/"):
        page.locator("#id_severity").select_option("severe")
    page.locator("#id_sanction option[value='revoke']", has_text="（默认）").wait_for(state="attached")
    assert page.locator("#id_sanction").input_value() == "revoke"  # the policy default, preselected
    page.locator("#id_sanction").select_option("lower")
    page.locator("#id_description").fill("通话中与客户争执并挂断电话，录音编号 R-0312")
    page.locator("#id_evidence_text").fill("投诉工单 GD-2025-0312")
    page.locator("#id_files").set_input_files(str(evidence))
    screenshot(page, "events-record-veto-form")
    page.get_by_test_id("event-save").click()
    page.get_by_test_id("event-state").filter(has_text="待确认").wait_for()
    assert page.get_by_test_id("evidence-list").get_by_text("通话截图.png").is_visible()
    screenshot(page, "events-veto-awaiting-confirmation")
    event = Event.objects.get()
    assert (event.sanction, event.sanction_status, event.evidence.count()) == ("lower", SanctionStatus.PENDING, 1)

    # the supervisor confirms it
    page.get_by_test_id("logout").click()
    log_in(page, live_server.url, supervisor.username)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    page.locator("#id_confirm_reason").fill("录音核实属实")
    page.get_by_test_id("sanction-confirm").click()
    page.get_by_test_id("sanction-status").filter(has_text="已确认").wait_for()
    assert "2星→1星" in page.get_by_test_id("decision-history").inner_text()
    screenshot(page, "events-title-sanction-confirmed")

    history = list(TitleSpell.objects.filter(person=agent_person).order_by("start").values_list("level", "end_reason"))
    assert history == [(2, TitleEndReason.LOWERED), (1, "")]
    assert TitleSpell.objects.get(person=agent_person, level=2).end == timezone.localdate()


def test_m5_appeal_filed_by_the_agent_and_overturned_by_the_supervisor(page, log_in_as, live_server, record, agent_person, supervisor, agent):
    veto = record(agent_person, category="major_error", severity="general", description="工单录入错误导致重复派单")
    # the agent finds the veto under 我的奖惩 and appeals
    log_in_as("agent")
    page.locator("#sidebar").get_by_role("link", name="我的奖惩").click()
    page.get_by_test_id("event-table").get_by_role("link", name="张三").click()
    page.locator("#id_appeal_reason").fill("派单系统当日故障，重复派单非本人操作，有系统日志为证")
    page.get_by_role("button", name="提交申诉").click()
    page.get_by_test_id("event-state").filter(has_text="申诉中").wait_for()
    screenshot(page, "events-appeal-filed")

    # the supervisor overturns it; it stays on file, marked 已撤销
    page.get_by_test_id("logout").click()
    log_in(page, live_server.url, supervisor.username)
    page.goto(f"{live_server.url}/events/{veto.pk}/")
    page.get_by_label("撤销该事件").check()
    page.locator("#id_decision_reason").fill("经核实系统日志，属系统故障")
    page.get_by_role("button", name="裁决").click()
    page.get_by_test_id("appeal-status").filter(has_text="已撤销").wait_for()
    page.goto(f"{live_server.url}/events/")
    page.locator("#id_state").select_option("overturned")
    page.get_by_test_id("event-table").locator(f"tr[data-event='{veto.pk}']").wait_for()
    screenshot(page, "events-list-overturned")
    assert page.get_by_test_id("result-count").inner_text().startswith("第 1–1 条")
