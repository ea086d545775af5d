from django.urls import path

from wenzheng.participation.live import views_workbench

urlpatterns = [
    path("", views_workbench.index, name="index"),
    path("new/", views_workbench.session_new, name="new"),
    path("desk/", views_workbench.desk, name="desk"),
    path("desk/activity/", views_workbench.desk_activity, name="desk_activity"),
    path("<int:pk>/", views_workbench.session_detail, name="session"),
    path("<int:pk>/edit/", views_workbench.session_edit, name="edit"),
    path("<int:pk>/activity/", views_workbench.activity, name="activity"),
    path("<int:pk>/act/<slug:action>/", views_workbench.session_act, name="act"),
    path("questions/<int:pk>/answer/", views_workbench.answer, name="answer"),
    path("questions/<int:pk>/<slug:action>/", views_workbench.moderate, name="moderate"),
]
