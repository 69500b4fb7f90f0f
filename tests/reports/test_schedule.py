"""Deliveries on Mondays and on the 1st, at 07:00 Rome time, whatever the clocks do."""
from datetime import datetime, timezone

import pytest

from fis_events.i18n import ROME
from fis_events.reports.models import Frequency
from fis_events.reports.services import next_due

WEEKLY, MONTHLY = Frequency.WEEKLY, Frequency.MONTHLY


@pytest.mark.parametrize("frequency, after, expected", [
    (WEEKLY, datetime(2026, 12, 2, 9, 0, tzinfo=ROME), datetime(2026, 12, 7, 7, 0, tzinfo=ROME)),
    (WEEKLY, datetime(2026, 12, 7, 6, 59, tzinfo=ROME), datetime(2026, 12, 7, 7, 0, tzinfo=ROME)),
    (WEEKLY, datetime(2026, 12, 7, 7, 0, tzinfo=ROME), datetime(2026, 12, 14, 7, 0, tzinfo=ROME)),
    # the clocks go forward on Sunday 29 March 2026: still 07:00 in Rome, 05:00 UTC
    (WEEKLY, datetime(2026, 3, 28, 12, 0, tzinfo=ROME), datetime(2026, 3, 30, 5, 0, tzinfo=timezone.utc)),
    (MONTHLY, datetime(2026, 12, 2, 9, 0, tzinfo=ROME), datetime(2027, 1, 1, 7, 0, tzinfo=ROME)),
    (MONTHLY, datetime(2026, 1, 31, 23, 0, tzinfo=ROME), datetime(2026, 2, 1, 7, 0, tzinfo=ROME)),
    (MONTHLY, datetime(2026, 2, 1, 6, 0, tzinfo=timezone.utc), datetime(2026, 3, 1, 7, 0, tzinfo=ROME)),
])
def test_next_delivery(frequency, after, expected):
    found = next_due(frequency, after)
    assert found == expected and found.astimezone(ROME).hour == 7
