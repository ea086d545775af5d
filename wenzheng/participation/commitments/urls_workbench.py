from django.urls import path

from wenzheng.participation.commitments import views_workbench

urlpatterns = [
    path("", views_workbench.index, name="index"),
    path("reports/new/", views_workbench.report_new, name="report_new"),
    path("reports/<int:pk>/", views_workbench.report_detail, name="report"),
    path("reports/<int:pk>/act/<slug:action>/", views_workbench.report_act, name="report_act"),
    path("commitments/new/", views_workbench.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", views_workbench.commitment_detail, name="commitment"),
    path("commitments/<int:pk>/act/<slug:action>/", views_workbench.commitment_act, name="commitment_act"),
]
