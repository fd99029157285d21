from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stardesk.core"
    verbose_name = "StarDesk"
