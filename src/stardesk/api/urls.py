from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from stardesk.api import views

app_name = "api"
urlpatterns = [
    path("token/", views.token, name="token"),
    # The description of the API is for its users: token or logged-in session.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("docs/", login_required(views.ApiDocsView.as_view(url_name="api:schema")), name="docs"),
    path("v1/", include("stardesk.api.v1.urls")),
]
