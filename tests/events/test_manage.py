"""Organiser pages through the test client: role checks, forms that keep what was typed."""
import re
from datetime import timedelta

import pytest

from support import commit_test_work, csrf_from, form_values
from fis_events.events import services
from fis_events.events.models import AgendaItem, AgendaItemKind, Event, EventStatus
from fis_events.extensions import db
from fis_events.i18n import ROME

ORGANISER_PAGES = ["/gestione/", "/gestione/eventi/nuovo"]


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accesso" in response.location


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_door_staff_is_refused(client, auth, url):
    auth.login("door_staff")
    assert client.get(url).status_code == 403


def test_door_staff_cannot_change_an_event(client, auth, make_event):
    event_id = make_event().id
    auth.login("door_staff")
    token = csrf_from(client.get("/"))
    response = client.post(f"/gestione/eventi/{event_id}/stato/publish", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.get(Event, event_id).status is EventStatus.DRAFT


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_and_admins_get_in(client, auth, role):
    auth.login(role)
    assert client.get("/gestione/").status_code == 200


def event_form_data(token, **overrides):
    data = {
        "csrf_token": token, "title": "Incontro con il Comune di Sant'Agata", "kind": "support_meeting",
        "description": "Primo incontro.", "starts_at": "2030-03-05T10:00", "ends_at": "2030-03-05T12:30",
        "venue": "Sala Giunta", "city": "Catanzaro", "host_event": "None", "programme": "None",
        "phase": "None", "offers_in_person": "y", "capacity_in_person": "12", "remote_platform": "",
        "language": "it",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_event_in_rome_time(client, auth, app_ctx):
    auth.login()
    token = csrf_from(client.get("/gestione/eventi/nuovo"))
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(token))
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.status is EventStatus.DRAFT
    assert event.starts_at.astimezone(ROME).hour == 10
    assert event.starts_at.utcoffset() == timedelta(0)  # stored as UTC
    assert event.capacity_in_person == 12


def test_bad_event_input_keeps_what_was_typed_and_writes_nothing(client, auth, app_ctx):
    auth.login()
    token = csrf_from(client.get("/gestione/eventi/nuovo"))
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(
        token, ends_at="2030-03-05T09:00", title="Niccolò D'Angelo incontra i Comuni"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "La fine dell&#39;evento deve essere successiva all&#39;inizio." in page
    assert "Niccolò D&#39;Angelo incontra i Comuni" in page
    assert 'value="2030-03-05T09:00"' in page
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_bad_format_gets_an_italian_message(client, auth, app_ctx):
    auth.login()
    token = csrf_from(client.get("/gestione/eventi/nuovo"))
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(
        token, starts_at="domani", capacity_in_person="-3", remote_url="ftp://x", offers_remote="y"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Indica data e ora di inizio" in page
    assert "numero intero non negativo" in page
    assert 'value="domani"' in page


def test_form_without_csrf_token_is_refused(client, auth, app_ctx):
    auth.login()
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(None))
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_edit_event_shows_rome_times_and_saves(client, auth, make_event):
    event = make_event(title="Da modificare")
    auth.login()
    page = client.get(f"/gestione/eventi/{event.id}/modifica").get_data(as_text=True)
    local = event.starts_at.astimezone(ROME).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in page
    token = csrf_from(client.get(f"/gestione/eventi/{event.id}/modifica"))
    end = event.ends_at.astimezone(ROME).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/gestione/eventi/{event.id}/modifica", data=event_form_data(
        token, title="Modificato", starts_at=local, ends_at=end, kind="workshop"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.title == "Modificato"


def test_new_host_event_from_the_event_form(client, auth, app_ctx):
    auth.login()
    token = csrf_from(client.get("/gestione/eventi/nuovo"))
    client.post("/gestione/eventi/nuovo", data=event_form_data(
        token, starts_at="2023-10-24T15:00", ends_at="2023-10-24T17:00",
        host_title="40ª Assemblea ANCI", host_city="Genova", host_starts_on="2023-10-24",
        host_ends_on="2023-10-26"))
    event = db.session.scalars(db.select(Event)).one()
    assert event.host_event.title == "40ª Assemblea ANCI"
    assert event.host_event.city == "Genova"


def item_data(token, **overrides):
    data = {"csrf_token": token, "title": "Saluti istituzionali", "kind": "talk", "day": "",
            "start_time": "", "end_time": "", "section": "", "description": ""}
    data.update(overrides)
    return data


def test_agenda_item_add_edit_reorder_delete(client, auth, make_event):
    event = make_event()
    day = event.starts_at.astimezone(ROME).date().isoformat()
    auth.login()
    url = f"/gestione/eventi/{event.id}"
    token = csrf_from(client.get(url))
    assert client.post(f"{url}/agenda", data=item_data(token, day=day, start_time="10:00")).status_code == 302
    assert client.post(f"{url}/agenda", data=item_data(token, day=day, title="Tavola rotonda",
                                                         kind="panel")).status_code == 302
    first, second = event.agenda_items
    assert first.starts_at.astimezone(ROME).strftime("%H:%M") == "10:00"
    assert second.starts_at is None

    # Without JavaScript: a redirect back to the agenda.
    response = client.post(f"/gestione/agenda/{second.id}/sposta", data={"csrf_token": token, "direction": "up"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [i.title for i in event.agenda_items] == ["Tavola rotonda", "Saluti istituzionali"]
    # With JavaScript: the new order as JSON.
    response = client.post(f"/gestione/agenda/{second.id}/sposta", data={"csrf_token": token, "direction": "down"},
                           headers={"Accept": "application/json"})
    assert response.json == {"order": [first.id, second.id]}

    response = client.post(f"/gestione/agenda/{first.id}", data=item_data(
        token, day=day, start_time="10:15", end_time="10:45", title="Saluti"))
    assert response.status_code == 302
    db.session.expire_all()
    assert first.title == "Saluti" and first.ends_at.astimezone(ROME).strftime("%H.%M") == "10.45"

    client.post(f"/gestione/agenda/{first.id}/elimina", data={"csrf_token": token})
    db.session.expire_all()
    assert [i.title for i in event.agenda_items] == ["Tavola rotonda"]


def test_agenda_item_outside_event_is_refused_and_kept(client, auth, make_event):
    event = make_event()
    day = event.starts_at.astimezone(ROME).date().isoformat()
    auth.login()
    token = csrf_from(client.get(f"/gestione/eventi/{event.id}"))
    response = client.post(f"/gestione/eventi/{event.id}/agenda", data=item_data(
        token, day=day, start_time="08:00", title="Colazione di lavoro"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "compreso nella durata dell&#39;evento (10.00 – 13.00)" in page
    assert 'value="Colazione di lavoro"' in page
    assert db.session.scalar(db.select(db.func.count(AgendaItem.id))) == 0


def test_moving_the_start_moves_the_agenda_when_ticked(client, auth, make_event):
    event = make_event()  # tomorrow 10.00-13.00
    item = services.add_agenda_item(event, "Saluti", AgendaItemKind.TALK,
                                    starts_at=event.starts_at + timedelta(minutes=30),
                                    ends_at=event.starts_at + timedelta(hours=3))
    commit_test_work()
    auth.login()
    page = client.get(f"/gestione/eventi/{event.id}/modifica")
    assert form_values(page)["move_agenda"] == "y"  # ticked by default
    day = event.starts_at.astimezone(ROME).date().isoformat()
    later = dict(starts_at=f"{day}T11:00", ends_at=f"{day}T14:00")
    # without the tick box the agenda stays, and would fall outside: refused, nothing changes
    refused = client.post(f"/gestione/eventi/{event.id}/modifica",
                          data=form_values(page, move_agenda=None, **later))
    assert refused.status_code == 422
    assert "resterebbe fuori dall&#39;evento" in refused.get_data(as_text=True)
    assert 'value="' + f"{day}T11:00" + '"' in refused.get_data(as_text=True)
    response = client.post(f"/gestione/eventi/{event.id}/modifica", data=form_values(page, **later))
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert item.starts_at.astimezone(ROME).strftime("%H:%M") == "11:30"
    assert item.ends_at.astimezone(ROME).strftime("%H:%M") == "14:00"


def test_speakers_on_an_item(client, auth, make_event):
    from fis_events.events import services
    from fis_events.events.models import AgendaItemKind
    event = make_event()
    item = services.add_agenda_item(event, "Esperienze dai Comuni", AgendaItemKind.PANEL)
    auth.login()
    url = f"/gestione/agenda/{item.id}"
    token = csrf_from(client.get(url))
    for name in ("Paola Garofalo", "Giusy Pino"):
        response = client.post(f"{url}/relatori", data={
            "csrf_token": token, "name": name, "role": "Assessore",
            "organisation": "Comune di Catanzaro", "remote": "y" if name == "Giusy Pino" else ""})
        assert response.status_code == 302
    db.session.expire_all()
    links = item.speaker_links
    assert [(l.speaker.name, l.remote) for l in links] == [("Paola Garofalo", False), ("Giusy Pino", True)]

    response = client.post(f"{url}/relatori", data={"csrf_token": token, "name": "", "role": "Sindaco"})
    assert response.status_code == 422
    assert 'value="Sindaco"' in response.get_data(as_text=True)

    client.post(f"/gestione/relatori/{links[1].id}/sposta", data={"csrf_token": token, "direction": "up"})
    client.post(f"/gestione/relatori/{links[0].id}/collegamento", data={"csrf_token": token, "remote": "1"})
    db.session.expire_all()
    assert [(l.speaker.name, l.remote) for l in item.speaker_links] == [("Giusy Pino", True), ("Paola Garofalo", True)]
    client.post(f"/gestione/relatori/{item.speaker_links[0].id}/elimina", data={"csrf_token": token})
    db.session.expire_all()
    assert [l.speaker.name for l in item.speaker_links] == ["Paola Garofalo"]


def test_preview_publish_unpublish_cancel(client, auth, make_event):
    event = make_event(title="Evento in bozza")
    auth.login()
    assert client.get(f"/eventi/{event.id}").status_code == 404
    preview = client.get(f"/gestione/eventi/{event.id}/anteprima")
    assert "Anteprima" in preview.get_data(as_text=True)
    token = csrf_from(client.get(f"/gestione/eventi/{event.id}"))
    client.post(f"/gestione/eventi/{event.id}/stato/publish", data={"csrf_token": token})
    assert client.get(f"/eventi/{event.id}").status_code == 200
    client.post(f"/gestione/eventi/{event.id}/stato/unpublish", data={"csrf_token": token})
    assert client.get(f"/eventi/{event.id}").status_code == 404
    cancel_page = client.get(f"/gestione/eventi/{event.id}/annulla")
    assert "nessuno riceverà un'e-mail" in cancel_page.get_data(as_text=True)
    client.post(f"/gestione/eventi/{event.id}/annulla", data={"csrf_token": csrf_from(cancel_page)})
    page = client.get(f"/eventi/{event.id}").get_data(as_text=True)
    assert "Evento annullato." in page
    response = client.post(f"/gestione/eventi/{event.id}/stato/publish", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Un evento annullato non può essere pubblicato." in response.get_data(as_text=True)


def test_event_list_is_paginated(client, auth, make_event):
    for n in range(51):
        make_event(title=f"Evento {n:02d}")
    auth.login("organiser")
    def rows(url):
        return len(re.findall(r'href="/gestione/eventi/\d+"', client.get(url).get_data(as_text=True)))

    assert rows("/gestione/") == 50 and "pagina=2" in client.get("/gestione/").get_data(as_text=True)
    assert rows("/gestione/?pagina=2") == 1


def test_an_item_dragged_to_a_position_and_speakers_changed_from_the_agenda(client, auth, make_event):
    from fis_events.events import services as events
    from fis_events.events.models import AgendaItemKind
    from support import commit_test_work

    event = make_event()
    items = [events.add_agenda_item(event, title, AgendaItemKind.TALK) for title in "ABCD"]
    commit_test_work()
    auth.login()
    token = csrf_from(client.get(f"/gestione/eventi/{event.id}"))
    response = client.post(f"/gestione/agenda/{items[3].id}/sposta",
                           data={"csrf_token": token, "position": "1"}, headers={"Accept": "application/json"})
    assert response.json == {"order": [items[0].id, items[3].id, items[1].id, items[2].id]}
    assert client.post(f"/gestione/agenda/{items[0].id}/sposta",
                       data={"csrf_token": token, "position": "x"}).status_code == 400
    # a speaker added from the agenda page returns to it, at the item
    added = client.post(f"/gestione/agenda/{items[1].id}/relatori",
                        data={"csrf_token": token, "name": "Giusy Pino", "from": "agenda"})
    assert added.location.endswith(f"/gestione/eventi/{event.id}#item-{items[1].id}")
    db.session.expire_all()
    link = db.session.get(AgendaItem, items[1].id).speaker_links[0]
    removed = client.post(f"/gestione/relatori/{link.id}/elimina", data={"csrf_token": token, "from": "agenda"})
    assert removed.location.endswith(f"/gestione/eventi/{event.id}#item-{items[1].id}")
    db.session.expire_all()
    assert db.session.get(AgendaItem, items[1].id).speaker_links == []
    assert [i.title for i in db.session.get(Event, event.id).agenda_items] == ["A", "D", "B", "C"]
