from django.urls import path

from stardesk.cycle import views

app_name = "cycle"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("<int:year>/", views.detail, name="detail"),
    path("<int:year>/step/", views.transition, name="transition"),
    path("<int:year>/policy/", views.adopt_policy, name="adopt_policy"),
    path("<int:year>/recheck/", views.recheck, name="recheck"),
    path("<int:year>/applications/", views.applications, name="applications"),
    path("<int:year>/applications/<int:pk>/", views.application, name="application"),
    path("<int:year>/recommendation/", views.recommendation, name="recommendation"),
    path("<int:year>/headcount/", views.headcount, name="headcount"),
    path("<int:year>/export/<slug:kind>.<str:fmt>", views.export, name="export"),
]
