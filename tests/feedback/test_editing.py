"""Organisers change the questions of an event or of a kind's default: same pages, same rules."""
import re
from datetime import timedelta

import pytest
from support import commit_test_work, csrf_from

from fis_events.audit_record import AuditEntry
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.feedback import editing
from fis_events.feedback.defaults import STANDARD
from fis_events.feedback.models import Indicator, Questionnaire, QuestionKind
from fis_events.feedback.services import default_questions, ensure_questionnaire, last_day
from fis_events.i18n import ROME


@pytest.fixture
def organiser(client, auth):
    auth.login("organiser")
    return client


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_from(client.get(url)), **data})


def texts(questions):
    return [question.text_it for question in questions]


def actions():
    db.session.expire_all()
    return [entry.action for entry in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action.like("feedback.%")).order_by(AuditEntry.id))]


NEW = dict(op="add", kind="multiple_choice", text_it="Quali temi vorrebbe approfondire?",
           text_en="Which topics would you like to explore?",
           choices="Finanza d'impatto | Impact finance\nValutazione\n\n", required="y")


def test_an_event_shows_its_kinds_questions_until_changed(organiser, make_event):
    event = make_event(kind=EventKind.WEBINAR)
    url = f"/gestione/eventi/{event.id}/questionario"
    page = organiser.get(url).get_data(as_text=True)
    assert "domande predefinite per gli eventi di tipo «Webinar»" in page
    assert all(spec["text_it"].replace("'", "&#39;") in page for spec in STANDARD)
    assert db.session.scalar(db.select(db.func.count(Questionnaire.id))) == 0  # nothing stored
    response = post(organiser, url, **NEW)
    assert response.status_code == 302
    db.session.refresh(event)
    questions = event.questionnaire.questions
    assert texts(questions) == [spec["text_it"] for spec in STANDARD] + [NEW["text_it"]]
    added = questions[-1]
    assert (added.kind, added.required, added.indicator) == (QuestionKind.MULTIPLE_CHOICE, True, None)
    assert added.choices == [{"it": "Finanza d'impatto", "en": "Impact finance"}, {"it": "Valutazione"}]
    assert actions() == ["feedback.question_added"]


def test_a_kinds_default_is_made_from_the_standard_questions_on_first_save(organiser, make_event):
    url = "/gestione/questionari/support_meeting"
    assert "Incontro di supporto" in organiser.get("/gestione/questionari").get_data(as_text=True)
    response = post(organiser, url + "/domande/1", kind="scale", required="y",
                    text_it="Nel complesso, quanto è soddisfatto/a?", text_en="", choices="")
    assert response.status_code == 302
    stored = editing.stored(editing.for_kind(EventKind.SUPPORT_MEETING))
    assert texts(stored.questions)[0] == "Nel complesso, quanto è soddisfatto/a?"
    assert stored.questions[0].indicator is Indicator.SATISFACTION
    assert len(stored.questions) == len(STANDARD)
    event = make_event(kind=EventKind.SUPPORT_MEETING)
    assert texts(default_questions(event.kind))[0] == "Nel complesso, quanto è soddisfatto/a?"
    assert texts(default_questions(EventKind.WEBINAR))[0] == STANDARD[0]["text_it"]
    assert actions() == ["feedback.default_question_updated"]


def test_move_and_delete(organiser, make_event):
    event = make_event()
    url = f"/gestione/eventi/{event.id}/questionario"
    assert post(organiser, url, op="down", number="1").status_code == 302
    assert post(organiser, url, op="delete", number="3").status_code == 302
    db.session.refresh(event)
    expected = [STANDARD[1], STANDARD[0], STANDARD[3], STANDARD[4]]
    assert texts(event.questionnaire.questions) == [spec["text_it"] for spec in expected]
    assert [q.position for q in event.questionnaire.questions] == [0, 1, 2, 3]
    refused = post(organiser, url, op="up", number="1")
    assert refused.status_code == 302
    assert "La domanda è già la prima." in organiser.get(url).get_data(as_text=True)
    assert actions() == ["feedback.question_moved", "feedback.question_deleted"]


@pytest.mark.parametrize("data, field, message", [
    (dict(NEW, choices="Una sola"), "choices", "almeno due scelte"),
    (dict(NEW, choices="| only English\nDue"), "choices", "testo in italiano"),
    (dict(NEW, text_it="  "), "text_it", "Scrivi il testo della domanda in italiano."),
    (dict(NEW, text_it="x" * 501), "text_it", "500"),
    (dict(NEW, kind="nessuno"), "kind", ""),
])
def test_bad_questions_are_refused_beside_the_field(organiser, make_event, data, field, message):
    event = make_event()
    response = post(organiser, f"/gestione/eventi/{event.id}/questionario", **data)
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', html), html[-3000:]
    if field != "text_it":
        assert "Quali temi vorrebbe approfondire?" in html  # typed value kept
    db.session.refresh(event)
    assert event.questionnaire is None and actions() == []


def test_an_indicator_question_keeps_its_kind(organiser, make_event):
    event = make_event()
    url = f"/gestione/eventi/{event.id}/questionario/domande/1"
    page = organiser.get(url).get_data(as_text=True)
    assert "si può riformulare, ma resta di tipo «Scala da 1 a 5»" in page
    response = post(organiser, url, kind="text", text_it="Com'è andata?", text_en="", choices="")
    assert response.status_code == 422
    assert 'id="kind-error"' in response.get_data(as_text=True)
    recommend = post(organiser, f"/gestione/eventi/{event.id}/questionario/domande/5",
                     kind="single_choice", text_it="Lo consiglierebbe?", choices="Sì\nNo\nForse")
    assert recommend.status_code == 422 and "restano 2" in recommend.get_data(as_text=True)
    reworded = post(organiser, url, kind="scale", text_it="Quanto le è piaciuto?",
                    text_en="How much did you like it?", choices="", required="y")
    assert reworded.status_code == 302
    db.session.refresh(event)
    first = event.questionnaire.questions[0]
    assert (first.text_it, first.text_en, first.indicator) == (
        "Quanto le è piaciuto?", "How much did you like it?", Indicator.SATISFACTION)


def test_once_sent_the_questions_are_frozen_but_the_closing_date_moves(organiser, make_event):
    event = make_event()
    questionnaire = ensure_questionnaire(event)
    questionnaire.sent_at = event.ends_at
    commit_test_work()
    url = f"/gestione/eventi/{event.id}/questionario"
    page = organiser.get(url).get_data(as_text=True)
    assert "le risposte già date si riferiscono a esse" in page and "Aggiungi la domanda" not in page
    refused = post(organiser, url, op="delete", number="1")
    assert refused.status_code == 302
    assert "le risposte già date si riferiscono a esse" in organiser.get(url).get_data(as_text=True)
    edit = post(organiser, url + "/domande/1", kind="scale", text_it="Altro testo")
    assert edit.status_code == 422
    end_day = event.ends_at.astimezone(ROME).date()
    too_early = post(organiser, url, op="closing", closes_on=(end_day - timedelta(days=1)).isoformat())
    assert too_early.status_code == 422
    assert "prima della fine dell&#39;evento" in too_early.get_data(as_text=True)
    later = end_day + timedelta(days=60)
    assert post(organiser, url, op="closing", closes_on=later.isoformat()).status_code == 302
    db.session.refresh(questionnaire)
    assert len(questionnaire.questions) == len(STANDARD)
    assert last_day(questionnaire.closes_at) == later
    assert actions() == ["feedback.closing_changed"]


def test_a_closed_questionnaire_keeps_its_date(organiser, make_event):
    event = make_event()
    questionnaire = ensure_questionnaire(event)
    questionnaire.sent_at = questionnaire.closed_at = event.ends_at
    commit_test_work()
    url = f"/gestione/eventi/{event.id}/questionario"
    assert "è chiuso dal" in organiser.get(url).get_data(as_text=True)
    response = post(organiser, url, op="closing", closes_on="2099-01-01")
    assert response.status_code == 422 and "non si può riaprire" in response.get_data(as_text=True)


def test_the_default_closing_is_the_end_of_the_day_30_days_after(make_event, app):
    event = make_event()
    questionnaire = ensure_questionnaire(event)
    end_day = event.ends_at.astimezone(ROME).date()
    assert last_day(questionnaire.closes_at) == end_day + timedelta(days=app.config["FEEDBACK_OPEN_DAYS"])
    assert questionnaire.closes_at.astimezone(ROME).hour == 0


def test_the_event_page_links_to_its_questionnaire(organiser, make_event):
    event = make_event()
    page = organiser.get(f"/gestione/eventi/{event.id}").get_data(as_text=True)
    assert f"/gestione/eventi/{event.id}/questionario" in page
    assert "/gestione/questionari" in organiser.get("/gestione/").get_data(as_text=True)


def test_unknown_kinds_and_numbers_are_404(organiser, make_event):
    event = make_event()
    assert organiser.get("/gestione/questionari/altro").status_code == 404
    assert organiser.get(f"/gestione/eventi/{event.id}/questionario/domande/9").status_code == 404
    assert organiser.post(f"/gestione/eventi/{event.id}/questionario",
                          data={"csrf_token": csrf_from(organiser.get("/gestione/"))}).status_code == 400
