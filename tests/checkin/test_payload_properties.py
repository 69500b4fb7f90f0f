"""Properties of what the door reads and the links people open: any text at all is answered
(invalid_format, unknown, or nothing found), never a crash and never a query PostgreSQL
refuses; a real badge read back, with or without whitespace around it, is that registration."""
import itertools
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fis_events.checkin import services
from fis_events.checkin.models import Scan
from fis_events.checkin.results import DECISIONS
from fis_events.checkin.services import parse_payload
from fis_events.extensions import db
from fis_events.participation.models import Attendance
from fis_events.registration import services as registrations
from fis_events.registration.models import Registration
from fis_events.registration.qr import PAYLOAD_PREFIX, qr_payload

PURE = settings(max_examples=300, deadline=None, derandomize=True, database=None)
WITH_DB = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
TOKENS = st.text(TOKEN_ALPHABET, min_size=32, max_size=32)
#: what a phone's reader or a copy and paste may put around a code
WHITESPACE = st.text(" \t\r\n\u00a0\u2003\u3000", max_size=3)
HOSTILE = st.one_of(
    st.text(max_size=80),
    st.builds(lambda a, b: a + PAYLOAD_PREFIX + b, st.text(max_size=5), st.text(max_size=40)),
    st.sampled_from(["", PAYLOAD_PREFIX, PAYLOAD_PREFIX + "\x00" * 32, "https://example.org/?x=1",
                     PAYLOAD_PREFIX + "A" * 31 + "\u202e", "BEGIN:VCARD\nFN:Mario\nEND:VCARD",
                     "fisev1:" + "a" * 32, PAYLOAD_PREFIX.lower() + "B" * 32, "\ufeff" + PAYLOAD_PREFIX + "C" * 32]))


# ---- the parser alone ---------------------------------------------------------------------

@PURE
@given(st.text(max_size=200))
def test_any_text_is_a_token_or_nothing(payload):
    token = parse_payload(payload)
    assert token is None or (payload.strip() == PAYLOAD_PREFIX + token and len(token) == 32
                             and set(token) <= set(TOKEN_ALPHABET))


@PURE
@given(TOKENS, WHITESPACE, WHITESPACE)
def test_a_badge_reads_back_with_whitespace_around_it(token, before, after):
    assert parse_payload(before + PAYLOAD_PREFIX + token + after) == token


@PURE
@given(TOKENS, st.sampled_from(["fisev1:", "Fisev1:", "FISEV1 :", "FISEV2:", "FISEV1:FISEV1:", ""]))
def test_only_our_exact_prefix_is_ours(token, prefix):
    """Scanners read exactly what was printed; the door page fixes the case of a typed prefix."""
    assert parse_payload(prefix + token) is None


@PURE
@given(st.text(TOKEN_ALPHABET, max_size=64).filter(lambda t: len(t) != 32))
def test_a_token_of_another_length_is_not_ours(token):
    assert parse_payload(PAYLOAD_PREFIX + token) is None


@PURE
@given(TOKENS, st.integers(0, 31), st.sampled_from(" \t\x00.+/=\u00e0\u200b"))
def test_a_token_with_a_foreign_character_inside_is_not_ours(token, at, character):
    assert parse_payload(PAYLOAD_PREFIX + token[:at] + character + token[at + 1:]) is None


# ---- the door -----------------------------------------------------------------------------

@pytest.fixture
def door(today_event, registered):
    """An event happening now, its badges, and a badge of another event."""
    event = today_event()
    badges = [registered(event, n) for n in range(3)]
    return event, badges, registered(today_event(title="Altrove"), 9)


NONCES = itertools.count()


def scans():
    return db.session.scalar(db.select(db.func.count(Scan.id)))


def attendances():
    return db.session.scalar(db.select(db.func.count(Attendance.id)))


@WITH_DB
@given(payload=HOSTILE)
def test_any_payload_gets_a_reason_and_one_scan_row(door, payload):
    event, _badges, _other = door
    before = scans(), attendances()
    outcome = services.decide_scan(event, payload, f"n{next(NONCES)}")
    assert outcome.reason in DECISIONS and not outcome.replayed
    assert outcome.reason in ("invalid_format", "unknown")
    assert outcome.reason == ("invalid_format" if parse_payload(payload) is None else "unknown")
    assert (scans(), attendances()) == (before[0] + 1, before[1])


@WITH_DB
@given(which=st.integers(0, 2), before=WHITESPACE, after=WHITESPACE)
def test_a_real_badge_lets_its_person_in_once(door, which, before, after):
    event, badges, _other = door
    badge = badges[which]
    first_time = db.session.scalar(db.select(Attendance.id).filter_by(registration_id=badge.id)) is None
    outcome = services.decide_scan(event, before + qr_payload(badge) + after, f"n{next(NONCES)}")
    assert outcome.reason == ("ok" if first_time else "already_checked_in")
    assert outcome.summary["person"]["registration_id"] == badge.id


@WITH_DB
@given(which=st.integers(0, 2), at=st.integers(0, 31))
def test_a_badge_with_one_character_changed_is_nobodys(door, which, at):
    """The token is case-sensitive: changing the case of a letter, or any character, gives a
    code that matches no registration (192 random bits: it cannot be someone else's)."""
    event, badges, _other = door
    token = badges[which].qr_token
    changed = token[:at] + (token[at].swapcase() if token[at].isalpha() else
                            TOKEN_ALPHABET[(TOKEN_ALPHABET.index(token[at]) + 1) % 64]) + token[at + 1:]
    outcome = services.decide_scan(event, PAYLOAD_PREFIX + changed, f"n{next(NONCES)}")
    assert outcome.reason == "unknown" and "person" not in outcome.summary


def test_the_badge_of_another_event_names_it(door):
    event, _badges, other = door
    outcome = services.decide_scan(event, qr_payload(other), "other")
    assert outcome.reason == "other_event" and outcome.summary["other_event"]["title"] == "Altrove"


# ---- personal links -----------------------------------------------------------------------

@WITH_DB
@given(token=st.one_of(HOSTILE, TOKENS, st.text(TOKEN_ALPHABET, max_size=80)))
def test_any_link_token_finds_nothing_or_its_own_registration(door, token):
    event, badges, _other = door
    assume(token not in {getattr(b, column) for b in badges for column in ("manage_token", "join_token")})
    assert registrations.by_manage_token(token) is None
    assert registrations.by_join_token(token) is None
    assert registrations.invitation_by_token(event, token) is None
    assert registrations.valid_invitation(event, token, "badge1@example.org") is False


def test_real_link_tokens_find_their_registration(door):
    _event, badges, _other = door
    for badge in badges:
        assert registrations.by_manage_token(badge.manage_token) == badge
        assert registrations.by_join_token(badge.join_token) == badge
        assert registrations.by_manage_token(badge.join_token) is None
        assert db.session.get(Registration, badge.id).qr_token == parse_payload(qr_payload(badge))
