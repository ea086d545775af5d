from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "wenzheng.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Periodic jobs register when their module is imported, and `run_huey` only autodiscovers
        # modules named "tasks": the ledger's sweeps and our jobs are imported here.
        from wenzheng.casework import jobs as casework_jobs  # noqa: F401
        from wenzheng.notifications import jobs, receivers  # noqa: F401
