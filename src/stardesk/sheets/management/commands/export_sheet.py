"""`python -m stardesk export_sheet roster --hotline main -o 花名册.xlsx`: the same headers as the import."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stardesk.core.errors import DomainError
from stardesk.sheets import catalog, queries, writing
from stardesk.sheets.management.commands.import_sheet import find_actor, find_hotline


class Command(BaseCommand):
    help = "导出表格（与导入模板的列相同，导出的文件可以修改后重新导入）。"

    def add_arguments(self, parser):
        exportable = sorted(kind for kind, spec in catalog.SHEETS.items() if spec.export_rows is not None)
        parser.add_argument("kind", choices=exportable, help=_("表格：") + "，".join(f"{k} {catalog.SHEETS[k].title}" for k in exportable))
        parser.add_argument("--hotline", required=True, help=_("热线代码或名称"))
        parser.add_argument("-o", "--output", required=True, help=_("输出文件，扩展名 .xlsx 或 .csv"))
        parser.add_argument("--actor", help=_("以该账号的名义导出（检查其权限）"))

    def handle(self, *args, kind, hotline, output, actor=None, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(_("输出文件的扩展名应为 .xlsx 或 .csv。"))
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        try:
            spec, rows = queries.sheet_export(actor=actor, kind=kind, hotline=hotline, as_system=actor is None)
        except DomainError as error:
            raise CommandError(error.message) from None
        count = 0

        def counted(source):
            nonlocal count
            for row in source:
                count += 1
                yield row

        if suffix == ".csv":
            with path.open("wb") as target:
                for chunk in writing.csv_chunks(spec.headers, counted(rows)):
                    target.write(chunk)
        else:
            writing.write_xlsx(str(path), sheet_name=str(spec.title), headers=spec.headers, rows=counted(rows), kinds=writing.spec_kinds(spec))
        self.stdout.write(_("已导出%(sheet)s（热线：%(hotline)s）：%(n)s 行 → %(path)s") % {"sheet": spec.title, "hotline": hotline, "n": count, "path": path})
