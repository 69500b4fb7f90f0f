"""The "Ricevi per e-mail" forms and /gestione/report: bad input refused with its message and
nothing stored; each organiser sees and changes only their own, admins everyone's."""
import pytest

from fis_events.reports.models import FileFormat, Frequency
from fis_events.i18n import ROME
from reports.conftest import subscriptions
from support import csrf_from


@pytest.mark.parametrize("fields, field, message", [
    (dict(report="risultati", tabella="segreti", frequenza="weekly"), "tabella",
     "Tabella sconosciuta: scegli una delle tabelle del cruscotto."),
    (dict(report="risultati", tabella="eventi", programma="NOPE", frequenza="weekly"), "programma",
     "Programma sconosciuto."),
    (dict(report="risultati", tabella="eventi", dal="2026-13-40", frequenza="weekly"), "dal",
     "Data iniziale non valida (aaaa-mm-gg)."),
    (dict(report="risultati", tabella="eventi", colore="rosso", frequenza="weekly"), "colore",
     "Parametro sconosciuto: «colore»."),
    (dict(report="risultati", tabella="partecipanti", gruppo="tutti", frequenza="weekly"), "gruppo",
     "Gruppo sconosciuto."),
    (dict(report="bilancio", frequenza="weekly"), "report", "Report sconosciuto."),
    (dict(report="iscritti", evento="999999", frequenza="weekly"), "evento", "Evento sconosciuto."),
])
def test_bad_input_is_refused_and_nothing_stored(client, auth, small, subscribe, fields, field,
                                                 message):
    auth.login("organiser")
    response = subscribe(**fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'role="alert"' in page
    for name, value in fields.items():  # kept for another try
        kept = '<option value="weekly" selected>' if name == "frequenza" else f'name="{name}" value="{value}"'
        assert kept in page
    assert subscriptions() == []


def test_an_unknown_frequency_is_shown_beside_its_field(client, auth, small, subscribe):
    auth.login("organiser")
    response = subscribe(report="risultati", tabella="eventi", programma="FIS",
                         frequenza="ogni giorno", formato="csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="frequenza-error"' in page
    assert "Scegli ogni settimana oppure ogni mese." in page
    assert '<option value="csv" selected>' in page and 'name="programma" value="FIS"' in page
    assert subscriptions() == []
    fixed = client.post("/gestione/report/nuovo", data={
        "csrf_token": csrf_from(response), "report": "risultati", "tabella": "eventi",
        "programma": "FIS", "frequenza": "monthly", "formato": "csv"})
    assert fixed.status_code == 302
    (subscription,) = subscriptions()
    assert (subscription.frequency, subscription.file_format) == (Frequency.MONTHLY, FileFormat.CSV)


def test_a_form_without_its_token_is_refused(client, auth, small):
    auth.login("organiser")
    response = client.post("/gestione/report/nuovo", data={"report": "risultati",
                                                           "tabella": "eventi",
                                                           "frequenza": "weekly"})
    assert response.status_code == 400 and subscriptions() == []


def test_every_dashboard_table_offers_the_form_with_the_pages_filters(client, auth, small):
    auth.login("organiser")
    page = client.get("/gestione/risultati/?programma=FIS&pagina=1").get_data(as_text=True)
    for table in ("fasi", "gruppi", "eventi", "enti"):
        assert f'name="tabella" value="{table}"' in page
    assert 'name="programma" value="FIS"' in page and 'name="pagina"' not in page
    page = client.get("/gestione/risultati/partecipanti?gruppo=comuni").get_data(as_text=True)
    assert 'name="tabella" value="partecipanti"' in page and 'name="gruppo" value="comuni"' in page


def test_the_list_the_changes_and_who_sees_what(client, auth, small, subscribe):
    auth.login("organiser")
    subscribe(report="risultati", tabella="eventi", programma="FIS", fase=str(small.first.id),
              frequenza="weekly")
    (mine,) = subscriptions()
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert "Risultati e partecipazione: Eventi" in page
    assert f"programma FIS, fase «{small.first.name}»" in page
    due = mine.next_due_at.astimezone(ROME)
    assert (due.weekday(), due.hour, due.minute) == (0, 7, 0)
    assert "lunedì" in page and "ore 07.00" in page and "nessuno" in page and "attivo" in page

    token = csrf_from(client.get("/gestione/report/"))
    bad = client.post(f"/gestione/report/{mine.id}/modifica",
                      data={"csrf_token": token, "frequenza": "weekly", "formato": "pdf"})
    assert bad.status_code == 422
    assert "Scegli il formato del file: XLSX oppure CSV." in bad.get_data(as_text=True)
    assert subscriptions()[0].file_format is FileFormat.XLSX
    assert client.post(f"/gestione/report/{mine.id}/modifica", data={
        "csrf_token": token, "frequenza": "monthly", "formato": "csv"}).status_code == 302
    mine = subscriptions()[0]
    due = mine.next_due_at.astimezone(ROME)
    assert (mine.frequency, mine.file_format, due.day, due.hour) == (Frequency.MONTHLY,
                                                                     FileFormat.CSV, 1, 7)
    assert client.post(f"/gestione/report/{mine.id}/sospendi",
                       data={"csrf_token": token}).status_code == 302
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert subscriptions()[0].paused and "sospeso" in page and "Riprendi" in page

    auth.logout()
    auth.login("admin")
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert "Organiser (organiser@example.org)" in page  # admins see everyone's
    auth.logout()
    auth.user("organiser", email="collega@example.org")
    token = csrf_from(client.get("/accesso"))
    client.post("/accesso", data={"email": "collega@example.org", "password": "una-password-lunga",
                                  "csrf_token": token})
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert "Risultati e partecipazione: Eventi" not in page  # not theirs
    token = csrf_from(client.get("/gestione/report/"))
    for action in ("riprendi", "elimina", "sospendi"):
        assert client.post(f"/gestione/report/{mine.id}/{action}",
                           data={"csrf_token": token}).status_code == 404
    assert client.post(f"/gestione/report/{mine.id}/modifica", data={
        "csrf_token": token, "frequenza": "weekly", "formato": "xlsx"}).status_code == 404
    assert subscriptions()[0].paused


def test_deleting(client, auth, small, subscribe):
    auth.login("organiser")
    subscribe(report="risultati", tabella="enti", frequenza="weekly")
    (mine,) = subscriptions()
    token = csrf_from(client.get("/gestione/report/"))
    assert client.post(f"/gestione/report/{mine.id}/elimina",
                       data={"csrf_token": token}).status_code == 302
    assert subscriptions() == []
    assert "Non hai ancora chiesto nessun report" in client.get("/gestione/report/").get_data(
        as_text=True)
