from __future__ import annotations

import pytest

from wenzheng.intake.channels.email.models import EmailAccount


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def account(world, media) -> EmailAccount:
    return EmailAccount.objects.create(name="intake", org=world.city)
