from django.urls import URLPattern, URLResolver, path

from wenzheng.intake.channels.webhook import views

app_name = "webhook"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:name>/", views.receive, name="receive"),
]
