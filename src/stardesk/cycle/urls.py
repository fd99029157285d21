from django.urls import path

from stardesk.cycle import award_views, committee_views, report_views, supervision_views, views

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
    # 业务考核, 集中评定, 授牌, 总结 (X, K, A, R3), 星级监督 (V1) and the 奖金计划 (R3).
    path("<int:year>/assessment/", committee_views.assessment, name="assessment"),
    path("committee/", committee_views.committee_home, name="committee_home"),
    path("<int:year>/committee/", committee_views.workspace, name="committee"),
    path("<int:year>/committee/<int:pk>/", committee_views.candidate, name="candidate"),
    path("<int:year>/award/", award_views.award, name="award"),
    path("<int:year>/award/certificates.pdf", award_views.certificates_all, name="certificates"),
    path("<int:year>/award/<int:pk>/certificate.pdf", award_views.certificate, name="certificate"),
    path("holders/", award_views.holders_latest, name="holders_latest"),
    path("<int:year>/holders/", award_views.holders, name="holders"),
    path("<int:year>/summary/", report_views.summary, name="summary"),
    path("<int:year>/summary.pdf", report_views.summary_pdf, name="summary_pdf"),
    path("supervision/", supervision_views.index, name="supervision"),
    path("bonus/", report_views.bonus, name="bonus"),
    path("bonus/<str:month>.<str:fmt>", report_views.bonus_export, name="bonus_export"),
]
