"""Helpers shared by tests (fixtures live in conftest.py)."""
import re
from datetime import datetime

from fis_events.i18n import ROME

PASSWORD = "una-password-lunga"


def csrf_from(response):
    """The CSRF token of the first form on a page, as a browser would send it back."""
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', response.data)
    return match.group(1).decode() if match else None


def rome(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=ROME)
