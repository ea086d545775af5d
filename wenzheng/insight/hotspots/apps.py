from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotspotsConfig(AppConfig):
    name = "wenzheng.insight.hotspots"
    label = "hotspots"
    verbose_name = _("Hot issues")

    def ready(self) -> None:
        from wenzheng.insight.hotspots import receivers  # noqa: F401  (connects the signal receivers)
