"""The default demo group, built once per test module and rolled back at its end.

Building it takes seconds (and more as the demo grows), while most demo tests
only read it; each test still runs in its own savepoint inside that build.
"""
import pytest
from django.db import transaction

from stardesk.demo import hotline_builder


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            group = hotline_builder.build_group()
            yield group
            transaction.set_rollback(True)


@pytest.fixture
def demo(built_demo, db):
    return built_demo
