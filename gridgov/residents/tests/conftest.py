import pytest

from gridgov.residents import testing


@pytest.fixture
def outbox(settings):
    """Codes go to testing.OUTBOX instead of the log."""
    settings.SMS_SENDER = "gridgov.residents.testing.OutboxSender"
    testing.OUTBOX.clear()
    yield testing.OUTBOX
    testing.OUTBOX.clear()


@pytest.fixture
def world(db):
    from gridgov.people.testing import build_registry_world

    return build_registry_world()
