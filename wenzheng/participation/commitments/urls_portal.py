from django.urls import path

from wenzheng.participation.commitments import views_portal

urlpatterns = [
    path("", views_portal.index, name="index"),
    path("month/<int:year>-<int:month>/", views_portal.month, name="month"),
    path("unit/<str:code>/", views_portal.unit, name="unit"),
    path("leader/<int:pk>/", views_portal.leader, name="leader"),
    path("report/<int:pk>/", views_portal.report, name="report"),
    path("commitment/<int:pk>/", views_portal.commitment, name="commitment"),
]
