import pytest
from django.conf import settings as django_settings
from django.utils import translation

from wenzheng.testing.personas import World, build_world

pytest_plugins = ["wenzheng.testing.browser"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create many users and do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once():
    # Background jobs run in the caller, in memory: no consumer, no queue file shared between workers.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    return


@pytest.fixture(autouse=True)
def _router_forgets():
    # The router keeps its model, places and lexicon per process; each test has its own database.
    from wenzheng.insight.router.services import forget

    forget()
    return


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (case_event_committed: the board, the router) of what
    happens inside the block: the test transaction itself never commits."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture(autouse=True)
def _default_language():
    # A request in another language leaves it active in the worker; every test starts in Chinese.
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()
