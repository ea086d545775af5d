from django.apps import AppConfig


class ApiChannelConfig(AppConfig):
    name = "wenzheng.intake.channels.api"
    label = "intake_api"
    verbose_name = "api"
