"""Badges are printed for an event on Tuesday 24 October 2023 (`pdf_reader` and `enrol` come
from the root conftest.py)."""
import pytest

from support import rome


@pytest.fixture
def badge_event(open_event):
    """Tuesday 24 October 2023, 15.00-18.00 in Rome (organisers register people directly)."""
    return open_event(title="Il Programma FIS e l'accompagnamento ai Comuni",
                      starts_at=rome(2023, 10, 24, 15), ends_at=rome(2023, 10, 24, 18))
