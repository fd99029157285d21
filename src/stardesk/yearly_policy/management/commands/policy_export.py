"""`python -m stardesk policy_export --hotline main --year 2026 [--output 政策.json]`: the policy file (P1)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stardesk.core.errors import DomainError
from stardesk.yearly_policy import services
from stardesk.yearly_policy.management.commands.policy_import import find_actor, find_hotline
from stardesk.yearly_policy.models import CyclePolicy


class Command(BaseCommand):
    help = "导出某条热线某个评定年度的政策（JSON，UTF-8）；不指定 --output 时输出到屏幕。"

    def add_arguments(self, parser):
        parser.add_argument("--hotline", required=True, help="热线代码或名称")
        parser.add_argument("--year", required=True, type=int, help="评定年度，例如 2026")
        parser.add_argument("--revision", type=int, help="导出指定版次（默认当前版本）")
        parser.add_argument("--output", help="保存到该文件")
        parser.add_argument("--actor", help="以该账号的名义导出（检查其权限）；省略时以“系统”名义导出")

    def handle(self, *args, hotline, year, revision=None, output=None, actor=None, **options):
        hotline = find_hotline(hotline)
        actor = find_actor(actor)
        record = CyclePolicy.objects.filter(hotline=hotline, year=year).select_related("hotline").first()
        if record is None:
            raise CommandError(f"热线「{hotline}」没有 {year} 年度政策。")
        try:
            text = services.policy_export(actor=actor, policy=record, revision=revision, as_system=actor is None)
        except DomainError as error:
            raise CommandError(error.message) from None
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"无法写入文件 {output}：{error.strerror}") from None
            self.stdout.write(f"已导出 {hotline} {record.version if revision is None else f'{year} 第{revision}版'} 到 {output}。")
        else:
            self.stdout.write(text, ending="")
