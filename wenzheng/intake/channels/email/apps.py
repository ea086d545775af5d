from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "wenzheng.intake.channels.email"
    label = "intake_email"
    verbose_name = "email"
