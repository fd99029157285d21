"""`python -m stardesk api_token <username>`: print a new API token for an account (e.g. an integration account)."""
from django.core.management.base import BaseCommand, CommandError

from stardesk.accounts.models import User
from stardesk.api import services
from stardesk.core.errors import DomainError


class Command(BaseCommand):
    help = "为账号生成新的 API 令牌并打印（原令牌随即失效）；加 --revoke 则吊销令牌。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号的用户名")
        parser.add_argument("--revoke", action="store_true", help="吊销该账号的令牌，不生成新令牌")

    def handle(self, *args, username, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号“{username}”不存在。")
        try:
            if revoke:
                if services.token_revoke(actor=None, user=user, note="（命令行）"):
                    self.stderr.write(f"已吊销账号“{username}”的 API 令牌。")
                else:
                    self.stderr.write(f"账号“{username}”没有 API 令牌。")
                return
            key = services.token_issue(actor=None, user=user, note="（命令行）")
        except DomainError as error:
            raise CommandError(error.message) from error
        # Only the key on stdout, so a script can capture it; the explanation goes to stderr.
        self.stdout.write(key)
        self.stderr.write(f"已为账号“{username}”生成新的 API 令牌，原令牌（如有）已失效。请妥善保存，令牌不会再次显示。")
