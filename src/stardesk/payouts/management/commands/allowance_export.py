"""`python -m stardesk allowance_export --hotline main --month 2025-03 -o 月度星级待遇.xlsx`: the 月度星级待遇 sheet
of a month (M4), with the same Chinese headers as the page's download."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stardesk.core.errors import DomainError
from stardesk.payouts import allowance_export
from stardesk.people.models import Team
from stardesk.policy.conventions import Month
from stardesk.sheets import writing
from stardesk.sheets.management.commands.import_sheet import find_actor, find_hotline


class Command(BaseCommand):
    help = "导出某月的月度星级待遇表（工号、姓名、班组、星级、月度得分、系数、金额、依据；.xlsx 或 .csv）。"

    def add_arguments(self, parser):
        parser.add_argument("--hotline", required=True, help=_("热线代码或名称"))
        parser.add_argument("--month", required=True, help=_("月份，如 2025-03"))
        parser.add_argument("--team", help=_("只导出该班组（班组名称）"))
        parser.add_argument("-o", "--output", required=True, help=_("输出文件，扩展名 .xlsx 或 .csv"))
        parser.add_argument("--actor", help=_("以该账号的名义导出（检查其权限）"))

    def handle(self, *args, hotline, month, output, team=None, actor=None, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(_("输出文件的扩展名应为 .xlsx 或 .csv。"))
        try:
            month = Month.parse(month)
        except (ValueError, TypeError):
            raise CommandError(_("月份「%(month)s」无效，应为 YYYY-MM，如 2025-03。") % {"month": month}) from None
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        chosen = None
        if team:
            chosen = Team.objects.filter(hotline=hotline, name=team).first()
            if chosen is None:
                raise CommandError(_("热线「%(hotline)s」没有班组「%(team)s」。") % {"hotline": hotline, "team": team})
        try:
            rows = list(allowance_export.export_rows(actor=actor, hotline=hotline, month=month, team=chosen, as_system=actor is None))
        except DomainError as error:
            raise CommandError(error.message) from None
        headers = list(allowance_export.HEADERS)
        if suffix == ".csv":
            with path.open("wb") as target:
                for chunk in writing.csv_chunks(headers, rows):
                    target.write(chunk)
        else:
            writing.write_xlsx(str(path), sheet_name=allowance_export.TITLE, headers=headers, rows=rows, kinds=list(allowance_export.KINDS))
        self.stdout.write(
            _("已导出月度星级待遇（%(hotline)s %(month)s）：%(n)s 行 → %(path)s") % {"hotline": hotline, "month": month, "n": len(rows), "path": path}
        )
