from django.contrib.auth import views as auth_views
from django.urls import path

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
from wenzheng.workbench.views import reports as report_views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="workbench/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("queues/<slug:key>/", home.queue_list, name="queue"),
    path("cases/<str:number>/", cases.case_detail, name="case"),
    path("cases/<str:number>/act/<slug:action>/", cases.case_act, name="act"),
    path("cases/<str:number>/reply-template/", cases.reply_template, name="reply_template"),
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
]
