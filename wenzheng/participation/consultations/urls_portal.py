from django.urls import path

from wenzheng.participation.consultations import views_portal

urlpatterns = [
    path("", views_portal.index, name="index"),
    path("<int:pk>/", views_portal.detail, name="detail"),
    path("<int:pk>/comment/", views_portal.comment, name="comment"),
]
