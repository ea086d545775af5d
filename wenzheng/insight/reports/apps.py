from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Periodic documents: the monthly bulletin, the weekly digest, the monthly feedback report.
    An app only so that ``wenzheng report`` is found; it has no models."""

    name = "wenzheng.insight.reports"
    label = "reports"
    verbose_name = _("Reports")
