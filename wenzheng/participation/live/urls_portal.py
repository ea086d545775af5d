from django.urls import path

from wenzheng.participation.live import views_portal

urlpatterns = [
    path("", views_portal.index, name="index"),
    path("<int:pk>/", views_portal.detail, name="detail"),
    path("<int:pk>/ask/", views_portal.ask, name="ask"),
    path("<int:pk>/updates/", views_portal.updates, name="updates"),
]
