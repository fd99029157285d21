"""`python -m stardesk demo_data`: the demo group, built the same way every time.

Without --reset an existing demo is left as it is (the command only prints
the logins); --reset empties the database first and builds it anew.
"""
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stardesk import environment
from stardesk.demo import hotline_builder


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table(logins) -> str:
    header = (_("角色"), _("用户名"), _("姓名"), _("热线 / 班组"))
    rows = [header] + [(str(login.role), login.username, login.name, login.where) for login in logins]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows)


class Command(BaseCommand):
    help = "生成演示数据：热线、班组、客服、两年的星级记录和各角色账号（结果每次相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--hotlines", type=int, default=1, help="热线数量（默认 1）")
        parser.add_argument(
            "--agents-per-hotline", type=int, default=hotline_builder.DEFAULT_AGENTS, help="每条热线的客服人数（默认 120）"
        )
        parser.add_argument("--seed", type=int, default=hotline_builder.DEFAULT_SEED, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--reset", action="store_true", help="先清空整个数据库再重建（仅限演示模式）")

    def handle(self, *args, hotlines, agents_per_hotline, seed, reset, **options):
        if hotlines < 1 or agents_per_hotline < 1:
            raise CommandError(_("热线数量和每条热线的客服人数都至少为 1。"))
        if hotlines > 99 or agents_per_hotline > 99_999:
            raise CommandError(_("最多 99 条热线，每条热线最多 99999 名客服。"))
        if reset:
            if not (settings.DEMO or settings.DEBUG or environment.flag("STARDESK_TESTING")):
                raise CommandError(_("--reset 会清空整个数据库，只能在演示模式（STARDESK_DEMO=1）下使用。"))
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(_("已清空数据库。"))
        elif hotline_builder.demo_present(hotlines=hotlines):
            self.stdout.write(_("演示数据已存在，未做改动（使用 --reset 重建）。"))
            self._print_logins()
            return

        group = hotline_builder.build_group(hotlines=hotlines, agents_per_hotline=agents_per_hotline, seed=seed)
        counts = group.counts
        self.stdout.write(
            self.style.SUCCESS(
                _("已生成演示数据：%(hotlines)d 条热线，%(teams)d 个班组，%(people)d 名客服（其中离职 %(leavers)d 名），"
                  "%(titles)d 条星级记录，%(accounts)d 个账号，用时 %(seconds).1f 秒。")
                % {**{k: counts[k] for k in ("hotlines", "teams", "people", "leavers", "titles", "accounts")}, "seconds": sum(group.timings.values())}
            )
        )
        self._print_logins()

    def _print_logins(self):
        logins = hotline_builder.demo_logins()
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(_("演示账号（密码均为 %(password)s）：") % {"password": hotline_builder.DEMO_PASSWORD})
        self.stdout.write(logins_table(logins))
        self.stdout.write(_("其他客服以工号为用户名登录，密码相同。"))
