from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("stardesk.core.urls")),
    path("people/", include("stardesk.people.urls")),
    path("accounts/", include("stardesk.accounts.urls")),
    path("audit/", include("stardesk.audit.urls")),
    path("imports/", include("stardesk.sheets.urls")),
    path("policy/", include("stardesk.yearly_policy.urls")),
    path("assessment/", include("stardesk.assessment.urls")),
    path("events/", include("stardesk.events.urls")),
    path("cycle/", include("stardesk.cycle.urls")),
    path("exams/", include("stardesk.exams.urls")),
    path("payouts/", include("stardesk.payouts.urls")),
    path("api/", include("stardesk.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler403 = "stardesk.core.views.forbidden"
handler404 = "stardesk.core.views.not_found"
handler500 = "stardesk.core.views.server_error"
