"""`python -m stardesk import_sheet roster 花名册.xlsx --hotline main [--actor username]`: all or nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stardesk.accounts.models import User
from stardesk.core.errors import DomainError
from stardesk.people.models import Hotline
from stardesk.sheets import catalog, services, terminal_table


def find_hotline(value: str | None) -> Hotline | None:
    if not value:
        return None
    hotline = Hotline.objects.filter(code=value).first() or Hotline.objects.filter(name=value).first()
    if hotline is None:
        raise CommandError(f"热线「{value}」不存在（请填写热线代码或名称）。")
    return hotline


def find_actor(username: str | None):
    if not username:
        return None
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(f"账号「{username}」不存在或已停用。")
    return actor


class Command(BaseCommand):
    help = "导入表格（花名册、星级记录等）：全部行无误才保存，否则列出每个有问题的行并且不保存任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(catalog.SHEETS), help="表格：" + "，".join(f"{k} {s.title}" for k, s in catalog.SHEETS.items()))
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--hotline", help="热线代码或名称（使用 --actor 的本热线账号时可省略；也可在文件的「热线」列填写）")
        parser.add_argument("--actor", help="以该账号的名义导入（检查其权限）；省略时以“系统”名义导入")

    def handle(self, *args, kind, file, hotline=None, actor=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        try:
            with path.open("rb") as source:
                run = services.sheet_import(
                    actor=actor, kind=kind, source=source, file_name=path.name, hotline=hotline, as_system=actor is None
                )
        except services.ImportRefused as refusal:
            rows = [[error["row"], error["column"] or "—", error["reason"]] for error in refusal.details if error["row"] is not None]
            if rows:
                self.stderr.write(terminal_table.render(["行", "列", "原因"], rows))
            raise CommandError(f"{refusal.message}（导入记录 #{refusal.run.pk}）") from None
        except DomainError as error:
            raise CommandError(error.message) from None
        spec = catalog.SHEETS[kind]
        self.stdout.write(
            f"{spec.title}导入完成（导入记录 #{run.pk}，热线：{run.hotline}）：共 {run.rows} 行，"
            f"新增 {run.created}，修改 {run.updated}，未变 {run.unchanged}。"
        )
