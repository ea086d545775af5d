from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.login import ThrottledAdminAuthenticationForm
from wenzheng.participation.registry import portal_urlpatterns as participation_portal_urls

admin.site.site_header = _("wenzheng administration")
admin.site.site_title = _("wenzheng")
admin.site.index_title = _("Ledger and configuration")
admin.site.login_form = ThrottledAdminAuthenticationForm  # login throttling (wenzheng/accounts/login.py)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("workbench/", include("wenzheng.workbench.urls")),
    path("api/v1/", include("wenzheng.intake.channels.api.urls")),
    path("open311/v2/", include("wenzheng.intake.channels.open311.urls")),
    path("webhooks/", include("wenzheng.intake.channels.webhook.urls")),
    path("participate/", include(participation_portal_urls())),
    path("", include("wenzheng.portal.urls")),
]
