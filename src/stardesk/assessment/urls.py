from django.urls import path, register_converter

from stardesk.assessment import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class WeekConverter:
    regex = r"\d{4}-W\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(MonthConverter, "yyyymm")
register_converter(WeekConverter, "isoweek")

app_name = "assessment"
urlpatterns = [
    path("rubric/", views.rubric_index, name="rubrics"),
    path("rubric/new-version/", views.rubric_new_version, name="rubric_new_version"),
    path("rubric/<int:pk>/", views.rubric_detail, name="rubric_detail"),
    path("rubric/<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    path("weeks/", views.weeks, name="weeks"),
    path("weeks/<int:team_id>/<isoweek:week>/", views.week_grid, name="week_grid"),
    path("weeks/<int:team_id>/<isoweek:week>/<int:person_id>/", views.week_items, name="week_items"),
    path("months/", views.months, name="months"),
    path("months/<int:team_id>/<yyyymm:month>/", views.month_page, name="month"),
    path("months/<int:team_id>/<yyyymm:month>/register/", views.register_print, name="register_print"),
    path("months/<int:team_id>/<yyyymm:month>/review/", views.register_review, name="register_review"),
    path("registers/", views.registers, name="registers"),
    path("scores/<int:pk>/correct/", views.score_correct, name="score_correct"),
    path("me/", views.my_assessment, name="me"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("monitoring/", views.monitoring_list, name="monitoring"),
    path("monitoring/new/", views.monitoring_new, name="monitoring_new"),
    path("monitoring/<int:pk>/", views.monitoring_detail, name="monitoring_detail"),
    path("monitoring/<int:pk>/edit/", views.monitoring_edit, name="monitoring_edit"),
    path("monitoring/<int:pk>/recording/", views.monitoring_recording, name="monitoring_recording"),
]
