"""`python -m stardesk june_coefficients_export --hotline main --year 2026 -o 下半年奖金系数.xlsx`: the 下半年奖金系数
sheet of workbook.md (工号, 姓名, 年中综合成绩, 名次, 系数, 待遇调整, 依据), as the June ranking page downloads it."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stardesk.accounts import permissions
from stardesk.core.errors import DomainError
from stardesk.exams import june_ranking
from stardesk.exams.models import JuneRanking
from stardesk.sheets import writing
from stardesk.sheets.management.commands.import_sheet import find_actor, find_hotline


class Command(BaseCommand):
    help = "导出某热线某年度的下半年奖金系数（J2、J3），.xlsx 或 .csv；排名须已在年中排名页面计算。"

    def add_arguments(self, parser):
        parser.add_argument("--hotline", required=True, help="热线代码或名称")
        parser.add_argument("--year", required=True, type=int, help="年中综合考试的年度")
        parser.add_argument("-o", "--output", required=True, help="输出文件，扩展名 .xlsx 或 .csv")
        parser.add_argument("--compute", action="store_true", help="先按已公布的年中成绩重新计算排名（记入审计日志）")
        parser.add_argument("--actor", help="以该账号的名义导出（检查其权限）")

    def handle(self, *args, hotline, year, output, compute=False, actor=None, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        try:
            if actor is not None:
                permissions.require(actor, "exams.view")
                permissions.require_hotline(actor, hotline)
            if compute:
                june_ranking.june_ranking_compute(actor=actor, hotline=hotline, year=year)
        except DomainError as error:
            raise CommandError(error.message) from None
        ranking = JuneRanking.objects.filter(hotline=hotline, year=year).select_related("hotline").first()
        if ranking is None:
            raise CommandError(f"热线「{hotline}」还没有计算 {year} 年的年中综合考试排名（可加 --compute）。")
        headers = list(june_ranking.COEFFICIENT_HEADERS)
        rows = list(june_ranking.coefficient_rows(ranking))
        if suffix == ".csv":
            with path.open("wb") as target:
                for chunk in writing.csv_chunks(headers, rows):
                    target.write(chunk)
        else:
            writing.write_xlsx(str(path), sheet_name="下半年奖金系数", headers=headers, rows=rows, kinds=list(june_ranking.COEFFICIENT_KINDS))
        self.stdout.write(f"已导出下半年奖金系数（{hotline} {year} 年）：{len(rows)} 行 → {path}")
