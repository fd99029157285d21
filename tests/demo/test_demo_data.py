"""The demo_data command: the same group every time, never doubled, rebuilt only on request."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stardesk.accounts.models import Role, User
from stardesk.audit.models import AuditEntry
from stardesk.demo import hotline_builder
from stardesk.people.models import Hotline, Person, TitleSpell


def run(*args) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def roster_fingerprint():
    people = list(
        Person.objects.order_by("hotline__code", "staff_no").values_list(
            "hotline__code", "staff_no", "name", "employment_type", "hotline_start", "job_type", "job_type_start", "team__name", "left_on"
        )
    )
    titles = list(
        TitleSpell.objects.order_by("person__hotline__code", "person__staff_no", "start").values_list(
            "person__staff_no", "level", "job_type", "start", "end", "end_reason"
        )
    )
    accounts = list(User.objects.order_by("username").values_list("username", "role", "hotline__code", "display_name", "is_active"))
    return people, titles, accounts


# -- building, rebuilding, not doubling -------------------------------------------------


# --reset empties the database as the command line does, outside a test transaction
# (PostgreSQL refuses TRUNCATE inside one that has pending constraint checks).
@pytest.mark.django_db(transaction=True)
def test_the_same_seed_builds_the_same_group_and_another_seed_does_not():
    run()
    first = roster_fingerprint()
    run("--reset")
    assert roster_fingerprint() == first
    run("--reset", "--seed", "7")
    assert roster_fingerprint()[0] != first[0]


def test_running_the_command_again_keeps_the_demo_as_it_is(db):
    run()
    before = roster_fingerprint()
    Person.objects.filter(staff_no="1001").update(name="改过的名字")

    out = run()

    assert "演示数据已存在" in out
    assert Person.objects.count() == 120
    assert Person.objects.get(staff_no="1001").name == "改过的名字"
    assert AuditEntry.objects.filter(action="demo.generate").count() == 1
    assert len(roster_fingerprint()[2]) == len(before[2])


def test_reset_is_refused_outside_demo_mode_and_changes_nothing(db, monkeypatch, settings):
    run()
    settings.DEMO = settings.DEBUG = False
    monkeypatch.delenv("STARDESK_TESTING")
    Person.objects.filter(staff_no="1001").update(name="改过的名字")

    with pytest.raises(CommandError, match="只能在演示模式"):
        run("--reset")

    assert Person.objects.get(staff_no="1001").name == "改过的名字"


def test_impossible_sizes_get_a_chinese_refusal(db):
    with pytest.raises(CommandError, match="至少为 1"):
        run("--hotlines", "0")
    assert not Hotline.objects.exists()


def test_several_hotlines_have_their_own_people_and_logins(db):
    out = run("--hotlines", "3", "--agents-per-hotline", "40")

    assert Hotline.objects.count() == 3
    assert sorted(Hotline.objects.values_list("code", flat=True)) == ["branch-02", "branch-03", "main"]
    for hotline in Hotline.objects.all():
        assert hotline.people.count() == 40
        assert User.objects.filter(hotline=hotline, role=Role.SUPERVISOR).count() == 1
        assert User.objects.filter(hotline=hotline, role=Role.COMMITTEE).count() == 2
    assert Person.objects.get(hotline__code="branch-03", staff_no="3001")
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert "admin" in out and "supervisor" in out


# -- the audit trail and the printed logins -----------------------------------------------


def test_the_build_writes_one_audit_entry_per_hotline(db):
    hotline_builder.build_group(hotlines=2, agents_per_hotline=30)
    entries = AuditEntry.objects.filter(action="demo.generate")
    assert entries.count() == 2
    assert {e.hotline.code for e in entries} == {"main", "branch-02"}
    assert all("30 名客服" in e.note for e in entries)
    # Besides it, only what the demo records through the product's own services: the hotline's first
    # rubric, the events (the 奖惩事件 sheet's bulk path) and an appeal.
    others = set(AuditEntry.objects.exclude(action="demo.generate").values_list("action", flat=True))
    assert others == {"rubric.create", "event.record", "event.appeal_file"}


def test_the_command_prints_one_login_per_role(db):
    out = run()
    for word in ("系统管理员", "主管", "评定委员会", "班长", "客服人员", "stardesk-demo", "admin", "supervisor", "committee1", "leader1"):
        assert word in out


