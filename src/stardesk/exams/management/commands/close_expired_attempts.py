"""`python -m stardesk close_expired_attempts`: collect every attempt past its deadline and grace period.

Attempts are also closed whenever they or their sitting are read; this command
closes those nobody looks at (run it from cron every minute or so). Sittings
whose window has ended are closed too.
"""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from stardesk.exams import services


class Command(BaseCommand):
    help = "收卷：关闭已超过截止时间和宽限期的答卷，以及时间窗口已结束的考试场次。"

    def handle(self, *args, **options):
        closed = services.attempts_close_expired()
        self.stdout.write(_("已收卷 %(n)s 份超时答卷。") % {"n": closed})
