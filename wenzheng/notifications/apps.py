from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "wenzheng.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from wenzheng.notifications import receivers  # noqa: F401  (jobs live in tasks.py: run_huey finds them)
