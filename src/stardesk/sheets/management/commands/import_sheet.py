"""`python -m stardesk import_sheet roster 花名册.xlsx --hotline main [--actor username]`: all or nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stardesk.accounts.models import User
from stardesk.core.errors import DomainError
from stardesk.people.models import Hotline
from stardesk.sheets import catalog, services, terminal_table


def find_hotline(value: str | None) -> Hotline | None:
    if not value:
        return None
    hotline = Hotline.objects.filter(code=value).first() or Hotline.objects.filter(name=value).first()
    if hotline is None:
        raise CommandError(_("热线「%(value)s」不存在（请填写热线代码或名称）。") % {"value": value})
    return hotline


def find_actor(username: str | None):
    if not username:
        return None
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(_("账号「%(name)s」不存在或已停用。") % {"name": username})
    return actor


class Command(BaseCommand):
    help = "导入表格（花名册、星级记录等）：全部行无误才保存，否则列出每个有问题的行并且不保存任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(catalog.SHEETS), help=_("表格：") + "，".join(f"{k} {s.title}" for k, s in catalog.SHEETS.items()))
        parser.add_argument("file", help=_(".xlsx 或 .csv 文件"))
        parser.add_argument("--hotline", help=_("热线代码或名称（使用 --actor 的本热线账号时可省略；也可在文件的「热线」列填写）"))
        parser.add_argument("--actor", help=_("以该账号的名义导入（检查其权限）；省略时以“系统”名义导入"))

    def handle(self, *args, kind, file, hotline=None, actor=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("文件不存在：%(file)s") % {"file": file})
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
                self.stderr.write(terminal_table.render([_("行"), _("列"), _("原因")], rows))
            raise CommandError(_("%(message)s（导入记录 #%(run)s）") % {"message": refusal.message, "run": refusal.run.pk}) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        spec = catalog.SHEETS[kind]
        self.stdout.write(
            _("%(sheet)s导入完成（导入记录 #%(run)s，热线：%(hotline)s）：共 %(rows)s 行，新增 %(created)s，修改 %(updated)s，未变 %(unchanged)s。")
            % {"sheet": spec.title, "run": run.pk, "hotline": run.hotline, "rows": run.rows, "created": run.created, "updated": run.updated, "unchanged": run.unchanged}
        )
