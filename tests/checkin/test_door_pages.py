"""The organisers' door page and the staff's event list."""
from datetime import datetime, time, timedelta

from fis_events.accounts.models import User
from fis_events.checkin import services
from fis_events.checkin.models import CheckinDevice
from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.i18n import ROME, to_rome
from support import csrf_from


def test_door_page_assigns_staff_and_pairs_phones(client, auth, today_event):
    event = today_event()
    staff_email = auth.user("door_staff")
    auth.login()
    url = f"/gestione/eventi/{event.id}/ingresso"
    page = client.get(url)
    assert page.status_code == 200
    staff = db.session.scalar(db.select(User).filter_by(email=staff_email))
    client.post(url, data={"csrf_token": csrf_from(page), "user": str(staff.id)})
    assert services.user_may_check_in(staff, event)
    response = client.post(f"{url}/abbinamento", data={"csrf_token": csrf_from(page)})
    html = response.get_data(as_text=True)
    assert "<svg" in html and "/ingresso/abbina/" in html
    code = html.split("/ingresso/abbina/")[1].split('"')[0].split("<")[0]
    assert services.pairing_for(code) is not None
    device, _ = services.pair_device(code, "Porta 1")
    client.post(f"/gestione/dispositivi/{device.id}/revoca", data={"csrf_token": csrf_from(page)})
    db.session.expire_all()
    assert db.session.get(CheckinDevice, device.id).revoked_at is not None
    assert "Porta 1" in client.get(url).get_data(as_text=True)


def test_door_staff_see_only_their_events(client, auth, today_event):
    mine, theirs = today_event(title="Il mio evento"), today_event(title="Un altro evento")
    email = auth.user("door_staff")
    services.assign_staff(mine, db.session.scalar(db.select(User).filter_by(email=email)))
    auth.login("door_staff")
    page = client.get("/ingresso/").get_data(as_text=True)
    assert "Il mio evento" in page and "Un altro evento" not in page
    assert client.get(f"/ingresso/eventi/{mine.id}").status_code == 200
    assert client.get(f"/ingresso/eventi/{theirs.id}").status_code == 403
    assert client.get(f"/gestione/eventi/{mine.id}/ingresso").status_code == 403


def test_scanner_needs_a_login_or_a_paired_phone(client, today_event):
    event = today_event()
    response = client.get(f"/ingresso/eventi/{event.id}")
    assert response.status_code == 302 and "/accesso" in response.location
    assert client.get("/ingresso/abbina/codice-inventato").status_code == 404
    worker = client.get("/ingresso/sw.js")
    assert worker.headers["Content-Type"].startswith("text/javascript")
    assert worker.headers["Service-Worker-Allowed"] == "/"
    worker.close()


def test_door_staff_see_today_first_then_the_next_ones(client, auth, today_event):
    """Today's events under "Oggi", later ones below, each a link to its scanner."""
    midnight = datetime.combine(to_rome(utcnow()).date(), time(), ROME)
    later = today_event(title="Evento di dopodomani", starts_at=midnight + timedelta(days=2, hours=10),
                        ends_at=midnight + timedelta(days=2, hours=12))
    today = today_event(title="Evento di oggi", starts_at=midnight + timedelta(minutes=1),
                        ends_at=midnight + timedelta(hours=23, minutes=58))
    staff = db.session.scalar(db.select(User).filter_by(email=auth.user("door_staff")))
    services.assign_staff(later, staff)
    services.assign_staff(today, staff)
    auth.login("door_staff")
    html = client.get("/ingresso/").get_data(as_text=True)
    today_list, later_list = html.split('id="today-events"')[1], html.split('id="later-events"')[1]
    assert f'/ingresso/eventi/{today.id}"' in today_list.split("</ul>")[0]
    assert f'/ingresso/eventi/{later.id}"' in later_list.split("</ul>")[0]
    assert html.index("Evento di oggi") < html.index("Evento di dopodomani")
