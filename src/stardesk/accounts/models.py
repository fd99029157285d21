from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("客服人员")
    LEADER = "leader", _("班长")
    SUPERVISOR = "supervisor", _("主管")
    COMMITTEE = "committee", _("评定委员会")
    ADMIN = "admin", _("系统管理员")


class StarDeskUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A Django superuser is a group administrator.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A login. Everyone but a group administrator belongs to one hotline."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.AGENT)
    hotline = models.ForeignKey(
        "people.Hotline",
        verbose_name=_("热线"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("对应人员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
    )
    display_name = models.CharField(_("显示名称"), max_length=50, blank=True)

    objects = StarDeskUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(hotline__isnull=False),
                name="user_hotline_required_unless_admin",
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_group_admin(self) -> bool:
        return self.role == Role.ADMIN
