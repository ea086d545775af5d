from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "wenzheng.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from wenzheng.portal import publication  # noqa: F401  (subscribes to committed case events)
