from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wenzheng.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from wenzheng.core import (
            checks,  # noqa: F401  (registers the system checks)
            deploy_checks,  # noqa: F401  (registers the deployment checks)
            middleware,  # noqa: F401  (connects the idle clock to user_logged_in)
        )
