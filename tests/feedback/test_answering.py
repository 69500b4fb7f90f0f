"""The personal link's page: answers checked beside each question, one response per link,
changed by answering again, refused once closed; parallel submissions store one."""
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from support import commit_test_work, csrf_from

from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse
from fis_events.i18n import ROME
from fis_events.programme.models import OrganisationKind

from feedback.conftest import invitation_of
from registration.test_registration_concurrency import browser, fetch, token_of


@pytest.fixture
def invited(ended_event, run_send):
    """Anna's invitation (her link), and the questions of the standard questionnaire by name."""
    scene = ended_event()
    run_send()
    invitation = invitation_of(scene.anna)
    questions = invitation.questionnaire.questions
    scene.invitation, scene.url = invitation, f"/questionario/{invitation.token}"
    scene.q = {question.indicator.value: question for question in questions}
    return scene


def answers(scene, **overrides):
    """A full, valid set of answers as the form posts them."""
    q = scene.q
    values = {f"q{q['satisfaction'].id}": "5", f"q{q['usefulness'].id}": "4",
              f"q{q['clarity'].id}": "3", f"q{q['will_apply'].id}": "Il metodo di co-progettazione",
              f"q{q['recommend'].id}": "0"}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def post(client, scene, values, url=None):
    url = url or scene.url
    return client.post(url, data={"csrf_token": csrf_from(client.get(url)), **values})


def responses():
    db.session.expire_all()
    return db.session.scalars(db.select(FeedbackResponse)).all()


def test_the_page_shows_the_event_and_the_questions(client, invited):
    page = client.get(invited.url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Laboratorio di co-progettazione" in html
    day = invited.event.starts_at.astimezone(ROME).date()
    from babel.dates import format_date
    assert format_date(day, "EEEE d MMMM y", locale="it") in html
    assert "Quanto è soddisfatto/a dell&#39;incontro nel complesso?" in html
    assert '<meta name="robots" content="noindex">' in html
    assert html.count("<fieldset") == 4 and html.count("<legend") == 4
    assert page.headers["Cache-Control"] == "no-store"
    english = client.get(invited.url + "?lang=en").get_data(as_text=True)
    assert "Overall, how satisfied are you with the meeting?" in english


def test_answering_stores_one_anonymous_response(client, invited):
    response = post(client, invited, answers(invited))
    assert response.status_code == 302 and response.location.endswith(invited.url + "/grazie")
    [stored] = responses()
    assert stored.submitted_on == utcnow().astimezone(ROME).date()
    assert stored.organisation_kind is OrganisationKind.ALTRO
    by_question = {a.question_id: a for a in stored.answers}
    assert by_question[invited.q["satisfaction"].id].number == 5
    assert by_question[invited.q["will_apply"].id].text == "Il metodo di co-progettazione"
    assert by_question[invited.q["recommend"].id].number == 0
    db.session.refresh(invited.invitation)
    assert invited.invitation.response_id == stored.id
    thanks = client.get(response.location).get_data(as_text=True)
    assert "Puoi cambiarle fino al" in thanks


def test_answering_again_changes_the_same_response(client, invited):
    post(client, invited, answers(invited))
    [first] = responses()
    page = client.get(invited.url).get_data(as_text=True)
    assert re.search(rf'name="q{invited.q["satisfaction"].id}" id="[^"]+" value="5" checked', page)
    assert "Il metodo di co-progettazione</textarea>" in page
    person = invited.anna.person
    assert not [text for text in (person.first_name, person.last_name, person.email)
                if text in page]  # the answers and nothing that names their author
    post(client, invited, answers(invited, **{f"q{invited.q['satisfaction'].id}": "2",
                                              f"q{invited.q['will_apply'].id}": None}))
    [again] = responses()
    assert again.id == first.id
    numbers = {a.question_id: a.number for a in again.answers}
    assert numbers[invited.q["satisfaction"].id] == 2
    assert invited.q["will_apply"].id not in numbers  # left empty: no answer any more
    assert db.session.scalar(db.select(db.func.count(FeedbackAnswer.id))) == 4


@pytest.mark.parametrize("field, value, message", [
    ("satisfaction", "6", "Scegli un valore da 1 a 5."),
    ("satisfaction", "0", "Scegli un valore da 1 a 5."),
    ("usefulness", "tre", "Scegli un valore da 1 a 5."),
    ("satisfaction", None, "Questa risposta è obbligatoria."),
    ("recommend", "2", "Scegli tra le risposte proposte."),
    ("recommend", "-1", "Scegli tra le risposte proposte."),
    ("will_apply", "x" * 2001, "La risposta può avere al massimo 2000 caratteri."),
    ("will_apply", "testo\u202econ override", "caratteri di controllo o invisibili"),
])
def test_bad_answers_are_refused_beside_the_question(client, invited, field, value, message):
    name = f"q{invited.q[field].id}"
    typed = answers(invited, **{name: value})
    response = post(client, invited, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{name}-error">[^<]*{re.escape(message)}', html.replace("&#39;", "'")), html
    assert "Il metodo di co-progettazione</textarea>" in html or field == "will_apply"
    other = "usefulness" if field != "usefulness" else "satisfaction"
    assert re.search(rf'name="q{invited.q[other].id}" id="[^"]+" value="{typed[f"q{invited.q[other].id}"]}" checked', html)
    assert responses() == []


def test_a_forged_token_is_a_404_with_a_clear_message(client, invited):
    for url in ("/questionario/" + "x" * 43, invited.url[:-1] + ("A" if invited.url[-1] != "A" else "B")):
        page = client.get(url)
        assert page.status_code == 404
        assert "non corrisponde a nessun questionario" in page.get_data(as_text=True)
    assert client.post("/questionario/" + "x" * 43, data={}).status_code in (400, 404)


def test_past_the_closing_moment_nothing_is_stored(client, invited):
    csrf = csrf_from(client.get(invited.url))
    questionnaire = invited.invitation.questionnaire
    questionnaire.closes_at = utcnow() - timedelta(minutes=1)  # closed, the command not yet run
    commit_test_work()
    response = client.post(invited.url, data={"csrf_token": csrf, **answers(invited)})
    assert response.status_code == 409
    assert "Questionario chiuso" in response.get_data(as_text=True)
    assert responses() == []


def test_parallel_submissions_with_the_same_link_store_one_response(app, live_server, invited):
    url = live_server + invited.url
    openers = [browser() for _ in range(12)]
    prepared = [(opener, token_of(fetch(opener, url)[1])) for opener in openers]

    def submit(item):
        opener, csrf = item
        return fetch(opener, url, {"csrf_token": csrf, **answers(invited)})[0]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(submit, prepared))
    assert statuses == [302] * 12
    [stored] = responses()
    assert len(stored.answers) == 5
    db.session.expire_all()
    assert db.session.scalar(db.select(FeedbackInvitation.response_id).filter_by(
        id=invited.invitation.id)) == stored.id


def test_robots_keep_the_links_out(client):
    assert "Disallow: /questionario/" in client.get("/robots.txt").get_data(as_text=True)
