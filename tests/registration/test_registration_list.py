"""The organisers' registration list: filters, per-registration actions, exports."""
import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from fis_events.programme.services import find_or_create_organisation
from fis_events.extensions import db
from fis_events.i18n import to_rome
from fis_events.notify.models import OutboxMessage
from fis_events.programme.models import OrganisationKind
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, RegistrationStatus
from support import csrf_from


@pytest.fixture
def crowd(open_event):
    """Two confirmed in person (a comune and a partner), one waiting, one remote."""
    event = open_event(capacity_in_person=2)
    comune = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    partner = find_or_create_organisation("Cooperativa Àncora", OrganisationKind.TERZO_SETTORE)
    people = [("Niccolò", "D'Angelo", comune, AttendanceMode.IN_PERSON),
              ("=cmd|' /C calc'!A0", "Rossi", partner, AttendanceMode.IN_PERSON),
              ("Giusy", "Pino", comune, AttendanceMode.IN_PERSON),
              ("Paola", "Garofalo", comune, AttendanceMode.REMOTE)]
    registrations = [services.register(event, email=f"p{n}@example.org", first_name=first,
                                       last_name=last, organisation=org, mode=mode)[0]
                     for n, (first, last, org, mode) in enumerate(people)]
    return event, registrations


def names(client, url):
    page = client.get(url).get_data(as_text=True)
    return [n for n in ("Niccolò", "Rossi", "Giusy", "Paola") if n in page]


def test_search_and_filters(client, auth, crowd):
    event, _ = crowd
    auth.login()
    base = f"/gestione/eventi/{event.id}/iscritti"
    assert names(client, base) == ["Niccolò", "Rossi", "Giusy", "Paola"]
    assert names(client, f"{base}?q=dang") == ["Niccolò"]
    assert names(client, f"{base}?q=ancora") == ["Rossi"] == names(client, f"{base}?q=%C3%80NCORA")
    assert names(client, f"{base}?q=nicco") == ["Niccolò"] == names(client, f"{base}?q=d%27ang")
    assert names(client, f"{base}?stato=waiting") == ["Giusy"]
    assert names(client, f"{base}?modalita=remote") == ["Paola"]
    assert names(client, f"{base}?tipo_ente=terzo_settore") == ["Rossi"]
    assert client.get(f"{base}?stato=bogus&modalita=x").status_code == 200


def test_promote_adds_a_seat_and_keeps_capacity_true(client, auth, crowd):
    event, registrations = crowd
    waiting = registrations[2]
    auth.login()
    token = csrf_from(client.get(f"/gestione/eventi/{event.id}/iscritti"))
    response = client.post(f"/gestione/iscrizioni/{waiting.id}/promuovi", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert waiting.status is RegistrationStatus.CONFIRMED
    assert event.capacity_in_person == 3 == services.seats_taken(event, AttendanceMode.IN_PERSON)
    response = client.post(f"/gestione/iscrizioni/{waiting.id}/promuovi", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Solo chi è in lista d" in response.get_data(as_text=True)


def test_resend_switch_and_cancel(client, auth, crowd):
    event, registrations = crowd
    remote = registrations[3]
    auth.login()
    token = csrf_from(client.get(f"/gestione/eventi/{event.id}/iscritti"))
    client.post(f"/gestione/iscrizioni/{remote.id}/reinvia", data={"csrf_token": token})
    assert db.session.scalars(db.select(OutboxMessage.kind).filter_by(registration_id=remote.id)
                              .order_by(OutboxMessage.id)).all() == ["confirmed", "confirmed"]
    response = client.post(f"/gestione/iscrizioni/{remote.id}/cambia-modalita", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Non ci sono più posti liberi" in response.get_data(as_text=True)  # in person is full
    client.post(f"/gestione/iscrizioni/{registrations[0].id}/annulla", data={"csrf_token": token})
    db.session.expire_all()
    assert registrations[2].status is RegistrationStatus.CONFIRMED  # promoted by the cancellation


def test_door_staff_cannot_act_on_registrations(client, auth, crowd):
    event, registrations = crowd
    auth.login("door_staff")
    token = csrf_from(client.get("/"))
    assert client.post(f"/gestione/iscrizioni/{registrations[0].id}/annulla",
                       data={"csrf_token": token}).status_code == 403
    assert client.get(f"/gestione/eventi/{event.id}/iscritti.csv").status_code == 403


def test_csv_and_xlsx_exports_neutralise_formulas(client, auth, crowd):
    event, _ = crowd
    auth.login()
    response = client.get(f"/gestione/eventi/{event.id}/iscritti.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Cognome", "Nome", "E-mail"] and len(rows) == 5
    assert ["D'Angelo", "Niccolò"] == rows[1][:2] or ["D'Angelo", "Niccolò"] in [r[:2] for r in rows]
    assert "'=cmd|' /C calc'!A0" in [r[1] for r in rows]
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows[1:] for cell in r)

    response = client.get(f"/gestione/eventi/{event.id}/iscritti.xlsx?stato=confirmed")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 4  # header + three confirmed
    formula_cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert formula_cell.data_type == "s"  # stored as text, never a formula
    assert client.get(f"/gestione/eventi/{event.id}/iscritti.pdf").status_code == 404


def test_organisers_see_the_meeting_link(client, auth, open_event):
    event = open_event()
    auth.login()
    assert event.remote_url in client.get(f"/gestione/eventi/{event.id}").get_data(as_text=True)


def test_exports_for_an_italian_excel(client, auth, crowd):
    """One charset, the registration time day first; in XLSX a real date, sized columns, a
    frozen header and an autofilter."""
    event, registrations = crowd
    auth.login()
    response = client.get(f"/gestione/eventi/{event.id}/iscritti.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    registered = to_rome(registrations[0].created_at).strftime("%d/%m/%Y %H:%M:%S")
    assert registered in [row[header.index("Iscritto il")] for row in rows]
    sheet = load_workbook(io.BytesIO(client.get(f"/gestione/eventi/{event.id}/iscritti.xlsx").data)).active
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", f"A1:N{sheet.max_row}")
    column = header.index("Iscritto il") + 1
    cell = sheet.cell(row=2, column=column)
    assert isinstance(cell.value, datetime) and cell.number_format == "DD/MM/YYYY HH:MM:SS"
    assert sheet.column_dimensions["C"].width >= len("p0@example.org")
