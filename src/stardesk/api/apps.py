from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stardesk.api"
    verbose_name = "API"
