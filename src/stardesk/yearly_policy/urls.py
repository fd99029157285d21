from django.urls import path

from stardesk.yearly_policy import views

app_name = "yearly_policy"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create_from_defaults, name="create"),
    path("copy/", views.copy_forward, name="copy"),
    path("import/", views.policy_import, name="import"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/edit/", views.year_edit, name="edit"),
    path("<int:year>/edit/preview/", views.edit_preview, name="edit_preview"),
    path("<int:year>/history/", views.year_history, name="history"),
    path("<int:year>/export/", views.year_export, name="export"),
    path("<int:year>/freeze/", views.year_freeze, name="freeze"),
    path("standing/", views.my_standing, name="my_standing"),
    path("standing/<int:person_pk>/", views.person_standing, name="standing"),
]
