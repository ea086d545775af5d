"""GeoReport v2 routes under /open311/v2/; every resource ends in .xml or .json."""

from django.urls import URLPattern, URLResolver, re_path

from wenzheng.intake.channels.open311 import views

app_name = "open311"

# Any extension is routed, so an unsupported one gets the spec's error list instead of an HTML page.
FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,20})$"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<service_code>[^/]{{1,100}}){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.service_requests, name="requests"),
    re_path(rf"^requests/(?P<service_request_id>[^/]{{1,100}}){FMT}", views.service_request, name="request"),
]
