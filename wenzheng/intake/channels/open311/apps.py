from django.apps import AppConfig


class Open311ChannelConfig(AppConfig):
    name = "wenzheng.intake.channels.open311"
    label = "intake_open311"
    verbose_name = "open311"
