from django.apps import AppConfig


class YearlyPolicyConfig(AppConfig):
    name = "stardesk.yearly_policy"
