"""`python -m stardesk cycle_export eligibility --hotline main --year 2026 -o 申报资格.xlsx`: the cycle's exports
(申报资格, 推荐名单) with the same Chinese headers as the page's downloads."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stardesk.core.errors import DomainError
from stardesk.cycle import exports
from stardesk.cycle.models import Cycle
from stardesk.sheets import writing
from stardesk.sheets.management.commands.import_sheet import find_actor, find_hotline


class Command(BaseCommand):
    help = "导出年度评定的表格：eligibility 申报资格、recommendation 推荐名单（.xlsx 或 .csv）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(exports.EXPORTS),
                            help="，".join(f"{k} {e.title}" for k, e in exports.EXPORTS.items()))
        parser.add_argument("--hotline", required=True, help="热线代码或名称")
        parser.add_argument("--year", required=True, type=int, help="评定年度")
        parser.add_argument("-o", "--output", required=True, help="输出文件，扩展名 .xlsx 或 .csv")
        parser.add_argument("--actor", help="以该账号的名义导出（检查其权限）")

    def handle(self, *args, kind, hotline, year, output, actor=None, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        cycle = Cycle.objects.filter(hotline=hotline, year=year).select_related("hotline").first()
        if cycle is None:
            raise CommandError(f"热线「{hotline}」没有 {year} 年度的评定。")
        try:
            export, rows = exports.export_rows(actor=actor, cycle=cycle, kind=kind, as_system=actor is None)
            rows = list(rows)
        except DomainError as error:
            raise CommandError(error.message) from None
        headers = list(export.headers)
        if suffix == ".csv":
            with path.open("wb") as target:
                for chunk in writing.csv_chunks(headers, rows):
                    target.write(chunk)
        else:
            writing.write_xlsx(str(path), sheet_name=export.title, headers=headers, rows=rows, kinds=list(export.kinds))
        self.stdout.write(f"已导出{export.title}（{hotline} {year} 年度）：{len(rows)} 行 → {path}")
