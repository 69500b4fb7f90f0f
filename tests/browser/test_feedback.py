"""Feedback in the browser: a participant opens the link of the e-mail the test SMTP server
received, answers, comes back and changes an answer; an organiser adds a question and rewords
one. axe on every new page; the answers given with the keyboard."""
import re

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.extensions import db
from fis_events.feedback.models import FeedbackResponse
from fis_events.notify.sender import send_due
from feedback.conftest import ended_event, invitation_of, run_send  # noqa: F401
from notify.conftest import smtp_server  # noqa: F401
from support import PASSWORD, commit_test_work, log_in_browser

pytestmark = pytest.mark.browser


def choose(group, label):
    """Click an option's label, as a visitor does (Bootstrap Italia draws the box on it)."""
    group.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_a_participant_answers_from_the_email_and_changes_an_answer(
        page, app, ended_event, run_send, smtp_server, axe):  # noqa: F811
    scene = ended_event()
    run_send()
    commit_test_work()
    with app.app_context():
        send_due(app)
        db.session.remove()
    [message] = [m for m in smtp_server.messages if m["To"] == scene.anna.person.email
                 and "questionario" in m["Subject"]]
    assert "Laboratorio di co-progettazione" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    page.goto(re.search(r"https?://[^/\s]+(/questionario/\S+)", text).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laboratorio di co-progettazione")
    axe.assert_no_serious(page)

    satisfaction = page.get_by_role("group", name=re.compile("soddisfatto"))
    satisfaction.get_by_label("5").focus()
    page.keyboard.press("Space")  # picks the focused radio
    usefulness = page.get_by_role("group", name=re.compile("utile"))
    usefulness.get_by_label("1").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 1 → 4, as a keyboard user moves in a radio group
    page.get_by_label(re.compile("Che cosa applicherà")).fill("La co-progettazione con gli enti")
    choose(page.get_by_role("group", name=re.compile("Consiglierebbe")), "Sì")
    page.get_by_role("button", name="Invia le risposte").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Grazie: le tue risposte sono state salvate.")).to_be_visible()
    expect(page.get_by_text(re.compile("Puoi cambiarle fino al .+ con lo stesso collegamento"))).to_be_visible()
    axe.assert_no_serious(page)

    page.get_by_role("link", name="Rivedi o cambia le risposte").click()
    expect(satisfaction.get_by_label("5")).to_be_checked()
    expect(usefulness.get_by_label("4")).to_be_checked()
    choose(satisfaction, "3")
    page.get_by_role("button", name="Salva le modifiche").click()
    expect(page.get_by_text("Grazie: le tue risposte sono state salvate.")).to_be_visible()
    with app.app_context():
        [response] = db.session.scalars(db.select(FeedbackResponse)).all()
        numbers = sorted(answer.number for answer in response.answers if answer.number is not None)
        db.session.remove()
    assert numbers == [0, 3, 4]  # "Sì" is option 0


def test_a_missing_required_answer_is_shown_beside_the_question(page, ended_event, run_send, axe):  # noqa: F811
    scene = ended_event()
    run_send()
    page.goto(f"/questionario/{invitation_of(scene.anna).token}")
    page.get_by_role("button", name="Invia le risposte").click()
    satisfaction = page.get_by_role("group", name=re.compile("soddisfatto"))
    expect(satisfaction.get_by_text("Questa risposta è obbligatoria.")).to_be_visible()
    axe.assert_no_serious(page)


def test_an_organiser_adds_a_question_and_rewords_one(page, app, ended_event, axe):  # noqa: F811
    scene = ended_event(days_ago=-3)  # in three days: nothing sent yet
    with app.app_context():
        create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
        db.session.commit()
        db.session.remove()
    log_in_browser(page, "organizzatrice@example.org")
    page.goto(f"/gestione/eventi/{scene.event.id}")
    page.get_by_role("link", name="Questionario dopo l'evento").click()
    expect(page.get_by_text(re.compile("pone le domande predefinite"))).to_be_visible()
    axe.assert_no_serious(page)

    page.get_by_label("Tipo di domanda").select_option("single_choice")
    page.get_by_label("Testo in italiano").fill("Come ha saputo dell'incontro?")
    page.get_by_label("Testo in inglese (facoltativo)").fill("How did you hear about the meeting?")
    page.get_by_label(re.compile("^Scelte")).fill("Dal sito | From the website")
    page.get_by_role("button", name="Aggiungi la domanda").click()
    expect(page.get_by_text("Una domanda a scelta ha bisogno di almeno due scelte").first).to_be_visible()
    expect(page.get_by_label("Testo in italiano")).to_have_value("Come ha saputo dell'incontro?")
    axe.assert_no_serious(page)
    page.get_by_label(re.compile("^Scelte")).fill("Dal sito | From the website\nDa un collega | From a colleague")
    page.get_by_role("button", name="Aggiungi la domanda").click()
    expect(page.get_by_text("Domanda aggiunta.")).to_be_visible()
    expect(page.get_by_role("heading", name="Domanda 6: Come ha saputo dell'incontro?")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Modifica\W+domanda 3$")).click()
    axe.assert_no_serious(page)
    page.get_by_label("Testo in italiano").fill("I relatori si sono fatti capire?")
    page.get_by_role("button", name="Salva la domanda").click()
    expect(page.get_by_text("Domanda salvata.")).to_be_visible()
    expect(page.get_by_role("heading", name="Domanda 3: I relatori si sono fatti capire?")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Su\W+domanda 6$")).click()
    expect(page.get_by_role("heading", name="Domanda 5: Come ha saputo dell'incontro?")).to_be_visible()

    page.goto("/gestione/questionari")
    axe.assert_no_serious(page)
    page.get_by_role("link", name="Webinar").click()
    expect(page.get_by_text(re.compile("Sono le domande standard del programma"))).to_be_visible()
    axe.assert_no_serious(page)
