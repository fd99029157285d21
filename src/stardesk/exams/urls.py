from django.urls import path

from stardesk.exams import views

app_name = "exams"
urlpatterns = [
    path("bank/", views.bank, name="bank"),
    path("bank/new/", views.question_create, name="question_create"),
    path("bank/<int:pk>/", views.question_detail, name="question"),
    path("bank/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("bank/<int:pk>/versions/<int:number>/", views.question_version, name="question_version"),
    path("papers/", views.blueprints, name="blueprints"),
    path("papers/blueprints/new/", views.blueprint_create, name="blueprint_create"),
    path("papers/blueprints/<int:pk>/", views.blueprint_detail, name="blueprint"),
    path("papers/blueprints/<int:pk>/edit/", views.blueprint_edit, name="blueprint_edit"),
    path("papers/blueprints/<int:pk>/materialise/", views.blueprint_materialise, name="blueprint_materialise"),
    path("papers/<int:pk>/", views.paper_detail, name="paper"),
    path("sittings/", views.sittings, name="sittings"),
    path("sittings/new/", views.sitting_create, name="sitting_create"),
    path("sittings/<int:pk>/", views.sitting_detail, name="sitting"),
    path("sittings/<int:pk>/edit/", views.sitting_edit, name="sitting_edit"),
    path("sittings/<int:pk>/invite/", views.sitting_invite, name="sitting_invite"),
    path("sittings/<int:pk>/invitations/<int:invitation_pk>/withdraw/", views.sitting_uninvite, name="sitting_uninvite"),
    path("sittings/<int:pk>/open/", views.sitting_open, name="sitting_open"),
    path("sittings/<int:pk>/close/", views.sitting_close, name="sitting_close"),
    path("mine/", views.mine, name="mine"),
    path("invitations/<int:pk>/start/", views.invitation_start, name="invitation_start"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/state/", views.attempt_state, name="attempt_state"),
    path("attempts/<int:pk>/answers/<int:item_pk>/", views.attempt_answer, name="attempt_answer"),
    path("attempts/<int:pk>/answers/<int:item_pk>/audio/", views.attempt_audio, name="attempt_audio"),
    path("attempts/<int:pk>/answers/<int:item_pk>/audio/file/", views.answer_audio_file, name="answer_audio_file"),
    path("attempts/<int:pk>/focus/", views.attempt_focus, name="attempt_focus"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
]
