from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "wenzheng.insight.replies"
    label = "replies"
    verbose_name = _("Reply assistance")

    def ready(self) -> None:
        from wenzheng.insight.replies import receivers  # noqa: F401  (connects the signal receivers)
