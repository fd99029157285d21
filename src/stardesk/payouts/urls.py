from django.urls import path, register_converter

from stardesk.payouts import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(MonthConverter, "payout_month")

app_name = "payouts"
urlpatterns = [
    path("", views.index, name="index"),
    path("<payout_month:month>/export.<str:fmt>", views.export, name="export"),
    path("<payout_month:month>/recompute/", views.recompute, name="recompute"),
    path("lines/<int:pk>/", views.line_detail, name="line"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("me/", views.mine, name="mine"),
    path("low-scores/", views.proposals, name="proposals"),
    path("low-scores/<int:pk>/", views.proposal_detail, name="proposal"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/teams/<int:pk>/", views.team_page, name="team"),
]
