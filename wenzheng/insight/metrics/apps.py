from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "wenzheng.insight.metrics"
    label = "metrics"
    verbose_name = _("Statistics and assessment")

    def ready(self) -> None:
        from wenzheng.insight.metrics import receivers  # noqa: F401  (connects the signal receivers)
