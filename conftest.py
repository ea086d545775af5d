import pytest
from django.conf import settings as django_settings
from django.utils import translation

from wenzheng.testing.personas import World, build_world

pytest_plugins = ["wenzheng.testing.browser"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create many users and do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    # A request in another language leaves it active in the worker; every test starts in Chinese.
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()
