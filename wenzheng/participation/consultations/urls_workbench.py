from django.urls import path

from wenzheng.participation.consultations import views_workbench as views

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/comments/<int:comment_pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/response/", views.response, name="response"),
]
