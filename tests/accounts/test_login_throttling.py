"""Log-in attempts are limited per client and per account tried, the same for unknown accounts."""
import pytest

from fis_events.extensions import limiter
from support import PASSWORD, csrf_from


@pytest.fixture
def limits(app):
    def set_limits(per_client, per_account):
        app.config["RATELIMIT_LOGIN"], app.config["RATELIMIT_LOGIN_ACCOUNT"] = per_client, per_account
        limiter.reset()

    saved = app.config["RATELIMIT_LOGIN"], app.config["RATELIMIT_LOGIN_ACCOUNT"]
    yield set_limits
    set_limits(*saved)


def attempt(client, email, password, address="127.0.0.1"):
    token = csrf_from(client.get("/accesso"))
    return client.post("/accesso", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_one_account_tried_from_many_addresses_is_stopped(client, auth, limits):
    limits("1000 per minute", "3 per minute")
    email = auth.user("organiser")
    statuses = [attempt(client, email, "sbagliata-123", f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [422, 422, 422]
    blocked = attempt(client, email, PASSWORD, "10.0.0.99")  # even the right password, now
    assert blocked.status_code == 429 and "Troppe richieste" in blocked.get_data(as_text=True)
    assert attempt(client, "altro@example.org", PASSWORD).status_code == 422  # other accounts unaffected


def test_unknown_and_known_accounts_are_answered_alike(client, auth, limits):
    limits("1000 per minute", "2 per minute")
    known = auth.user("organiser")
    for email in (known, "nessuno@example.org"):
        answers = [attempt(client, email, "sbagliata-123") for _ in range(3)]
        assert [a.status_code for a in answers] == [422, 422, 429]
        assert "E-mail o password non corretti." in answers[0].get_data(as_text=True)


def test_one_address_trying_many_accounts_is_stopped(client, limits):
    limits("3 per minute", "1000 per minute")
    statuses = [attempt(client, f"p{n}@example.org", "sbagliata-123").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert attempt(client, "p9@example.org", "x" * 12, address="192.0.2.7").status_code == 422
    assert client.get("/accesso").status_code == 200  # reading the form is not limited


def test_successful_log_ins_do_not_use_up_the_limit(client, auth, limits):
    """A whole office behind one address logs in within a minute; only failures count."""
    limits("3 per minute", "3 per minute")
    emails = [auth.user("organiser", email=f"collega{n}@example.org") for n in range(10)]
    for email in emails:
        assert attempt(client, email, PASSWORD).status_code == 302
        auth.logout()
    assert [attempt(client, emails[0], "sbagliata-123").status_code for _ in range(4)] == \
        [422, 422, 422, 429]
