"""`python -m stardesk bonus_plan_export --hotline main --month 2025-10 -o 奖金计划.xlsx`: the month's 奖金计划 (R3)
with the same Chinese headers as the page's download."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stardesk.core.errors import DomainError
from stardesk.cycle import bonus_plan
from stardesk.policy.conventions import Month
from stardesk.sheets import writing
from stardesk.sheets.management.commands.import_sheet import find_actor, find_hotline


class Command(BaseCommand):
    help = "导出某月的奖金计划（月度星级待遇、下半年奖金系数、一次性奖励，各附依据），.xlsx 或 .csv。"

    def add_arguments(self, parser):
        parser.add_argument("--hotline", required=True, help=_("热线代码或名称"))
        parser.add_argument("--month", required=True, help=_("月份，YYYY-MM"))
        parser.add_argument("-o", "--output", required=True, help=_("输出文件，扩展名 .xlsx 或 .csv"))
        parser.add_argument("--actor", help=_("以该账号的名义导出（检查其权限）"))

    def handle(self, *args, hotline, month, output, actor=None, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(_("输出文件的扩展名应为 .xlsx 或 .csv。"))
        try:
            year, number = (int(part) for part in month.split("-"))
            found = Month(year, number)
        except ValueError:
            raise CommandError(_("月份格式应为 YYYY-MM。")) from None
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        try:
            rows = list(bonus_plan.export_rows(actor=actor, hotline=hotline, month=found, as_system=actor is None))
        except DomainError as error:
            raise CommandError(error.message) from None
        headers = list(bonus_plan.HEADERS)
        if suffix == ".csv":
            with path.open("wb") as target:
                for chunk in writing.csv_chunks(headers, rows):
                    target.write(chunk)
        else:
            writing.write_xlsx(str(path), sheet_name=bonus_plan.TITLE, headers=headers, rows=rows, kinds=list(bonus_plan.KINDS))
        self.stdout.write(_("已导出奖金计划（%(hotline)s %(month)s）：%(n)s 行 → %(path)s") % {
            "hotline": hotline, "month": found, "n": len(rows), "path": path})
