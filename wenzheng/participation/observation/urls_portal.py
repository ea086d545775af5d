from django.urls import path

from wenzheng.participation.observation import views_portal

urlpatterns = [
    path("", views_portal.index, name="index"),
    path("<int:pk>/", views_portal.period, name="period"),
]
