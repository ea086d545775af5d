from django.urls import URLPattern, URLResolver, path

from wenzheng.intake.channels.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [path("", api.urls)]
