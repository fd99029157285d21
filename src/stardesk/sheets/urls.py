from django.urls import path

from stardesk.sheets import views

app_name = "sheets"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/errors.<str:fmt>", views.run_errors, name="run_errors"),
    path("<slug:kind>/upload/", views.upload, name="upload"),
    path("<slug:kind>/template.<str:fmt>", views.template, name="template"),
    path("<slug:kind>/export/", views.export, name="export"),
]
