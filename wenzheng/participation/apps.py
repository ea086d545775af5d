from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "wenzheng.participation"
    label = "participation"
    verbose_name = _("Public participation")

    def ready(self) -> None:
        from wenzheng.participation import checks  # noqa: F401  (registers the registry system check)
