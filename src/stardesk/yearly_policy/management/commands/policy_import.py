"""`python -m stardesk policy_import --hotline main --year 2026 政策.json [--actor USERNAME]`: all or nothing (P1)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stardesk.accounts.models import User
from stardesk.core.errors import DomainError
from stardesk.people.models import Hotline
from stardesk.yearly_policy import services
from stardesk.yearly_policy.policy_fields import field_title


def find_hotline(value: str) -> Hotline:
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
    help = "从 JSON 文件导入某条热线某个评定年度的政策：全部参数无误才保存，否则列出每一处问题且不保存；已冻结的年度不能导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="政策文件（JSON，UTF-8，由 policy_export 或页面导出）")
        parser.add_argument("--hotline", required=True, help="热线代码或名称")
        parser.add_argument("--year", required=True, type=int, help="评定年度，例如 2026")
        parser.add_argument("--actor", help="以该账号的名义导入（检查其权限）；省略时以“系统”名义导入")
        parser.add_argument("--reason", help="导入原因（记入修改历史；默认“从文件 <文件名> 导入”）")

    def handle(self, *args, file, hotline, year, actor=None, reason=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        try:
            record = services.policy_import(
                actor=actor, hotline=hotline, year=year, content=path.read_bytes(),
                reason=reason or f"从文件 {path.name} 导入", as_system=actor is None,
            )
        except DomainError as error:
            for detail in error.details:
                where = field_title(detail["field"]) if detail.get("field") else "整个文件"
                self.stderr.write(f"  {where}：{detail['message']}")
            raise CommandError(error.message) from None
        self.stdout.write(f"已导入 {hotline} {year} 年度政策，现为 {record.version}。")
