from django.urls import path

from wenzheng.participation.polls import views_portal

urlpatterns = [
    path("", views_portal.index, name="index"),
    path("<int:pk>/", views_portal.detail, name="detail"),
    path("<int:pk>/vote/", views_portal.vote, name="vote"),
]
