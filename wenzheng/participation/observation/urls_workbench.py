from django.urls import path

from wenzheng.participation.observation import views_workbench

urlpatterns = [
    path("", views_workbench.index, name="index"),
    path("publish/", views_workbench.publish, name="publish"),
    path("<int:pk>/withdraw/", views_workbench.withdraw, name="withdraw"),
]
