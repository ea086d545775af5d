from django.apps import AppConfig


class BoardsChannelConfig(AppConfig):
    name = "wenzheng.intake.channels.boards"
    label = "intake_boards"
    verbose_name = "boards"
