"""Fixtures for the event tests: uploads go to a temporary folder; titles and events made to measure."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from stardesk.events import services
from tests.factories import TitleSpellFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def a_while_ago(today):
    """A day in the current month when possible, so 'today' stays a valid effective date."""
    return today - datetime.timedelta(days=min(today.day - 1, 5)) if today.day > 1 else today


def png(name="截图.png", size=None):
    content = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, content, content_type="image/png")


def pdf(name="投诉单.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def two_star(agent_person):
    """张三 holds 2-star since an award long before any event of the tests."""
    return TitleSpellFactory(person=agent_person, level=2, start=datetime.date(2024, 10, 20))


@pytest.fixture
def record(leader):
    """record(person, category=..., ...) as the team leader, with a description filled in."""

    def _record(person, *, actor=None, date=None, description="客户来电态度生硬", **facts):
        return services.event_record(
            actor=actor or leader,
            person=person,
            date=date or timezone.localdate(),
            description=description,
            **facts,
        )

    return _record
