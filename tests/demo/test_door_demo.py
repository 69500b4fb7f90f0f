"""`flask demo load` leaves an event on the day it runs, with the demo door staff on it and
confirmed registrants whose badges can be scanned."""
from fis_events.demo.loader import DEMO_PASSWORD, DOOR_STAFF_EMAIL, DOOR_TITLE
from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.registration.models import Registration, RegistrationStatus
from support import csrf_from


def load(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_demo_door_staff_reach_todays_scanner(client, runner, app_ctx):
    load(runner)
    load(runner)  # twice: nothing added
    event = db.session.scalars(db.select(Event).filter_by(title=DOOR_TITLE)).one()
    confirmed = db.session.scalar(db.select(db.func.count(Registration.id)).filter_by(
        event_id=event.id, status=RegistrationStatus.CONFIRMED))
    assert confirmed >= 3
    response = client.post("/accesso", data={"email": DOOR_STAFF_EMAIL, "password": DEMO_PASSWORD,
                                              "csrf_token": csrf_from(client.get("/accesso"))})
    assert response.location.endswith("/ingresso/")
    html = client.get("/ingresso/").get_data(as_text=True)
    today = html.split('id="today-events"')[1].split("</ul>")[0]
    assert f'href="/ingresso/eventi/{event.id}"' in today
    assert client.get(f"/ingresso/eventi/{event.id}").status_code == 200
