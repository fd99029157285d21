from rest_framework.routers import DefaultRouter

from stardesk.api.v1 import views

router = DefaultRouter()
router.register("hotlines", views.HotlineViewSet, basename="hotline")
router.register("teams", views.TeamViewSet, basename="team")
router.register("people", views.PersonViewSet, basename="person")

app_name = "v1"
urlpatterns = router.urls
