"""Per-client rate limits on the registration form and the personal links."""
import pytest

from fis_events.extensions import db, limiter
from fis_events.registration.models import Registration
from support import csrf_from


@pytest.fixture
def real_limits(app):
    saved = app.config["RATELIMIT_FORM"], app.config["RATELIMIT_LINK"]
    app.config["RATELIMIT_FORM"], app.config["RATELIMIT_LINK"] = "20 per minute", "60 per minute"
    limiter.reset()
    yield
    app.config["RATELIMIT_FORM"], app.config["RATELIMIT_LINK"] = saved
    limiter.reset()


def test_too_many_registration_posts_get_a_clear_message(client, open_event, real_limits):
    event = open_event()
    url = f"/eventi/{event.id}/iscrizione"
    token = csrf_from(client.get(url))
    statuses = [client.post(url, data={"csrf_token": token, "first_name": "A"}).status_code
                for _ in range(21)]
    assert statuses[:20] == [422] * 20 and statuses[20] == 429
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code == 429
    assert "Troppe richieste" in response.get_data(as_text=True)
    assert client.get(url).status_code == 200  # reading the form is not limited
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_guessing_manage_links_is_limited(client, real_limits):
    statuses = [client.get(f"/iscrizione/tentativo{n}").status_code for n in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429
