from rest_framework.routers import DefaultRouter

from stardesk.api.v1 import views
from stardesk.payouts import api as payouts_api

router = DefaultRouter()
router.register("hotlines", views.HotlineViewSet, basename="hotline")
router.register("teams", views.TeamViewSet, basename="team")
router.register("people", views.PersonViewSet, basename="person")
router.register("monthly-scores", payouts_api.MonthlyScoreViewSet, basename="monthly-score")
router.register("monitoring-scores", payouts_api.MonitoringViewSet, basename="monitoring-score")
router.register("events", payouts_api.EventViewSet, basename="event")
router.register("allowance-lines", payouts_api.AllowanceLineViewSet, basename="allowance-line")

app_name = "v1"
urlpatterns = router.urls
