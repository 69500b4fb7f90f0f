"""The organisers' page of an event's feedback results, and its CSV and XLSX."""
import io

from openpyxl import load_workbook

from fis_events.extensions import db

from feedback.answered import answer, held_event, standard


def page(client, event, suffix=""):
    return client.get(f"/gestione/eventi/{event.id}/questionario/risultati{suffix}")


def test_below_five_answers_the_page_and_exports_show_counts_only(app_ctx, client, auth):
    event = held_event()
    answer(event, standard(4, will_apply="Segreto di Anna"), invited=9)
    db.session.commit()
    auth.login()
    html = page(client, event).get_data(as_text=True)
    assert "Invitati" in html and "44,4%" in html and "almeno 5 risposte" in html
    assert "Segreto di Anna" not in html and "<canvas" not in html
    csv = page(client, event, ".csv").get_data(as_text=True)
    assert "Segreto" not in csv and "Invitati;9" in csv and "Risposte;4" in csv


def test_at_five_answers_charts_with_tables_and_texts(app_ctx, client, auth):
    event = held_event()
    answer(event, standard(3, 5, 4, will_apply="Zeta") + standard(2, 3, 4, will_apply="alfa"),
           invited=6)
    db.session.commit()
    auth.login()
    response = page(client, event)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "media 4,2 su 5" in html and html.count("<canvas") == 4  # three scales, one choice
    assert html.count("<table") == 4
    assert html.index("alfa") < html.index("Zeta")
    assert "questionario/risultati" in client.get(f"/gestione/eventi/{event.id}").get_data(as_text=True)

    workbook = load_workbook(io.BytesIO(page(client, event, ".xlsx").data))
    rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == ("Domanda", "Voce", "Valore")
    assert ("", "Risposte", 5) in rows or (None, "Risposte", 5) in rows
    question = "Quanto è soddisfatto/a dell'incontro nel complesso?"
    assert (question, "Media (1-5)", 4.2) in rows and (question, "5", 3) in rows
    assert ("Che cosa applicherà nel suo lavoro?", "Risposta", "alfa") in rows


def test_english_page(app_ctx, client, auth):
    event = held_event()
    answer(event, standard(5))
    db.session.commit()
    auth.login()
    html = client.get(f"/gestione/eventi/{event.id}/questionario/risultati?lang=en").get_data(as_text=True)
    assert "Overall, how satisfied are you with the meeting?" in html
