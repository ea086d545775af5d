from django.contrib.auth import views as auth_views
from django.urls import path

from wenzheng.accounts.login import ThrottledAuthenticationForm
from wenzheng.portal.views import accounts, pages, track, unsubscribe, write

app_name = "portal"

urlpatterns = [
    path("", pages.home, name="home"),
    path("write/", write.write, name="write"),
    path("write/done/", write.written, name="written"),
    path("write/suggestions/", write.suggestions, name="suggestions"),
    path("track/", track.track, name="track"),
    path("track/<str:number>/", track.tracked, name="tracked"),
    path("track/<str:number>/rate/", track.rate, name="rate"),
    path("track/<str:number>/withdraw/", track.withdraw, name="withdraw"),
    path("board/", pages.board, name="board"),
    path("board/<str:number>/", pages.board_detail, name="board_detail"),
    path("accounts/register/", accounts.register, name="register"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html",
            next_page="portal:my",
            authentication_form=ThrottledAuthenticationForm,
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="portal:home"), name="logout"),
    path("my/", accounts.my_messages, name="my"),
    path("display/large-text/", pages.large_text, name="large_text"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
