from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RouterConfig(AppConfig):
    name = "wenzheng.insight.router"
    label = "router"
    verbose_name = _("Routing intelligence")

    def ready(self) -> None:
        from wenzheng.insight.router import receivers  # noqa: F401  (connects the signal receivers)
