"""The hand-built programme of small.py, for the results tests."""
import pytest

from results.small import build_small


@pytest.fixture
def small(app_ctx, enrol):
    return build_small(enrol)
