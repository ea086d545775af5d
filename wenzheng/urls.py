from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("wenzheng administration")
admin.site.site_title = _("wenzheng")
admin.site.index_title = _("Ledger and configuration")

urlpatterns = [
    path("admin/", admin.site.urls),
    # The staff workbench and the public portal come with their own issues; until then the
    # administration site is the way in.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
