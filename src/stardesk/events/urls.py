from django.urls import path

from stardesk.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("new/handling/", views.handling_fields, name="handling"),
    path("new/person/", views.person_lookup, name="person_lookup"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/appeal/", views.appeal_file, name="appeal"),
    path("<int:pk>/appeal/decide/", views.appeal_decide, name="appeal_decide"),
    path("<int:pk>/sanction/confirm/", views.sanction_confirm, name="sanction_confirm"),
    path("<int:pk>/sanction/reject/", views.sanction_reject, name="sanction_reject"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
