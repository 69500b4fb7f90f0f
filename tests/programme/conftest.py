import pytest

from fis_events.extensions import db
from fis_events.programme.models import Programme


@pytest.fixture
def fis(app_ctx):
    """The programme, without phases (tests/programme/test_phase_default.py has its own)."""
    programme = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale")
    db.session.add(programme)
    db.session.commit()
    return programme
