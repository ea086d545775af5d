from django.contrib.auth import views as auth_views
from django.urls import include, path

from wenzheng.accounts.login import ThrottledAuthenticationForm
from wenzheng.participation.registry import workbench_urlpatterns as participation_workbench_urls
from wenzheng.workbench.views import (
    cases,
    dashboard,
    dispatch,
    home,
    inbox,
    intake,
    problems,
    router,
    search,
    supervision,
)
from wenzheng.workbench.views import contact_log as contact_log_views
from wenzheng.workbench.views import hotspots as hotspot_views
from wenzheng.workbench.views import replies as reply_views
from wenzheng.workbench.views import reports as report_views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="workbench/login.html", authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("queues/<slug:key>/", home.queue_list, name="queue"),
    path("cases/<str:number>/", cases.case_detail, name="case"),
    path("cases/<str:number>/act/<slug:action>/", cases.case_act, name="act"),
    path("cases/<str:number>/reply-template/", cases.reply_template, name="reply_template"),
    path("cases/<str:number>/replies/similar/", reply_views.reply_similar, name="reply_similar"),
    path("cases/<str:number>/replies/check/", reply_views.reply_check, name="reply_check"),
    path(
        "cases/<str:number>/replies/review-check/", reply_views.reply_review_check, name="reply_review_check"
    ),
    path(
        "cases/<str:number>/replies/templates/",
        reply_views.reply_template_options,
        name="reply_template_options",
    ),
    path("cases/<str:number>/proposal/", cases.dispatch_proposal, name="proposal"),
    path("hotline/", intake.hotline, name="hotline"),
    path("hotline/advice/", router.advice, name="advice"),
    path("alerts/", router.alerts, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", router.alert_acknowledge, name="alert_acknowledge"),
    path("router/", router.router_page, name="router"),
    path("router/act/", router.router_action, name="router_action"),
    path("dispatch/", dispatch.dispatch_board, name="dispatch"),
    path("dispatch/assign/", dispatch.dispatch_assign, name="dispatch_assign"),
    path("letters/<int:pk>/<str:kind>", dispatch.letter_download, name="letter"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/<str:kind>", report_views.report_download, name="report_download"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_read, name="inbox_read"),
    path("inbox/preferences/", inbox.inbox_preferences, name="inbox_preferences"),
    path("search/", search.search, name="search"),
    path("search/export.xlsx", search.search_export, name="search_export"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/cases/", dashboard.dashboard_cases, name="dashboard_cases"),
    path("problems/", problems.problem_list, name="problems"),
    path("problems/new/", problems.problem_new, name="problem_new"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    path("problems/<int:pk>/act/<slug:action>/", problems.problem_act, name="problem_act"),
    path("hotspots/", hotspot_views.hotspot_list, name="hotspots"),
    path("hotspots/<int:pk>/", hotspot_views.hotspot_detail, name="hotspot"),
    path("hotspots/<int:pk>/raise/", hotspot_views.hotspot_raise, name="hotspot_raise"),
    path("hotspots/surges/<int:pk>/acknowledge/", hotspot_views.surge_acknowledge, name="surge_acknowledge"),
    path("contact-log/", contact_log_views.contact_log, name="contact_log"),
    # Participation components (wenzheng.participation.registry): namespaces workbench:<key>.
    path("participate/", include(participation_workbench_urls())),
]
