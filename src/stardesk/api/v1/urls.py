from rest_framework.routers import DefaultRouter

from stardesk.api.v1 import views
from stardesk.cycle import api as cycle_api
from stardesk.exams import exam_api
from stardesk.payouts import api as payouts_api

router = DefaultRouter()
router.register("hotlines", views.HotlineViewSet, basename="hotline")
router.register("teams", views.TeamViewSet, basename="team")
router.register("people", views.PersonViewSet, basename="person")
router.register("monthly-scores", payouts_api.MonthlyScoreViewSet, basename="monthly-score")
router.register("monitoring-scores", payouts_api.MonitoringViewSet, basename="monitoring-score")
router.register("events", payouts_api.EventViewSet, basename="event")
router.register("allowance-lines", payouts_api.AllowanceLineViewSet, basename="allowance-line")
# The yearly cycle (Y, E, Q, K, A): stardesk.cycle.api.
router.register("cycles", cycle_api.CycleViewSet, basename="cycle")
router.register("applications", cycle_api.ApplicationViewSet, basename="application")
router.register("recommendations", cycle_api.RecommendationViewSet, basename="recommendation")
router.register("recommendation-corrections", cycle_api.CorrectionViewSet, basename="recommendation-correction")
router.register("candidates", cycle_api.CandidateViewSet, basename="candidate")
router.register("decisions", cycle_api.DecisionViewSet, basename="decision")
router.register("votes", cycle_api.VoteViewSet, basename="vote")
router.register("awards", cycle_api.AwardViewSet, basename="award")
router.register("titles", cycle_api.TitleViewSet, basename="title")
# Exams (X2–X6, J1): stardesk.exams.exam_api.
router.register("exam-questions", exam_api.QuestionViewSet, basename="exam-question")
router.register("exam-sittings", exam_api.SittingViewSet, basename="exam-sitting")
router.register("exam-attempts", exam_api.AttemptViewSet, basename="exam-attempt")
router.register("exam-results", exam_api.ResultViewSet, basename="exam-result")
router.register("exam-grades", exam_api.GradeViewSet, basename="exam-grade")

app_name = "v1"
urlpatterns = router.urls
