from django.urls import path

from stardesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/password/", views.account_reset_password, name="reset_password"),
]
