"""The record page: minutes, decisions, next steps; refusals change nothing."""
from datetime import timedelta

from support import commit_test_work

from fis_events.audit_record import AuditEntry
from fis_events.events import services as events
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.meetings.models import MeetingDecision, MeetingRecord, NextStep
from fis_events.programme.models import Organisation, OrganisationKind


def day(event, days=0):
    return (event.starts_at.astimezone(ROME).date() + timedelta(days=days)).isoformat()


def step_form(s, **overrides):
    values = {"step-text": "Inviare la delibera di giunta", "step-organisation": "COMUNE DI  BERGAMO",
              "step-organisation_kind": "", "step-due_on": day(s.event, 14)}
    values.update(overrides)
    return values


def test_only_support_meetings_have_a_record(meeting, open_event):
    other = open_event(title="Webinar aperto")
    response = meeting.client.get(f"/gestione/eventi/{other.id}/verbale")
    assert response.status_code == 404
    assert "solo per gli incontri di supporto" in response.get_data(as_text=True)
    assert meeting.post(f"/gestione/eventi/{other.id}/verbale", minutes="Testo").status_code == 404
    assert meeting.client.get(f"/gestione/eventi/{other.id}/verbale.pdf").status_code == 404
    page = meeting.client.get(f"/gestione/eventi/{meeting.event.id}").get_data(as_text=True)
    assert f'href="/gestione/eventi/{meeting.event.id}/verbale"' in page


def test_minutes_are_written_and_kept_as_typed(meeting, rows):
    text = "Il Comune presenta lo stato di avanzamento.\n\nSi discute del calendario: Niccolò D'Angelo interviene."
    response = meeting.post(meeting.url, minutes=text)
    assert response.status_code == 302
    [record] = rows(MeetingRecord)
    assert record.minutes == text
    page = meeting.client.get(meeting.url).get_data(as_text=True)
    assert "Niccolò D&#39;Angelo interviene" in page
    assert rows(AuditEntry)[-1].action == "meeting.minutes_saved"


def test_bad_minutes_are_refused_beside_the_field(meeting, rows):
    for text, message in (("   ", "Scrivi il verbale dell&#39;incontro."),
                          ("x" * 20_001, "al massimo 20.000 caratteri"),
                          ("Testo\u202econ un carattere invisibile", "caratteri di controllo")):
        response = meeting.post(meeting.url, minutes=text)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert 'id="minutes-error"' in page and message in page
        assert text.strip() in page
    assert rows(MeetingRecord) == []


def test_decisions_are_added_edited_and_removed(meeting, rows):
    url = f"{meeting.url}/decisioni"
    assert meeting.post(url, **{"decision-text": "Avviare la co-progettazione"}).status_code == 302
    assert meeting.post(url, **{"decision-text": "Coinvolgere il terzo settore"}).status_code == 302
    first, second = sorted(rows(MeetingDecision), key=lambda d: d.position)
    assert (first.position, second.position) == (1, 2)
    assert meeting.post(f"/gestione/verbale/decisioni/{first.id}",
                        **{f"decision-{first.id}-text": "Avviare subito la co-progettazione"}).status_code == 302
    refused = meeting.post(f"/gestione/verbale/decisioni/{second.id}", **{f"decision-{second.id}-text": " "})
    assert refused.status_code == 422 and "Scrivi la decisione." in refused.get_data(as_text=True)
    too_long = meeting.post(url, **{"decision-text": "d" * 1001})
    assert too_long.status_code == 422 and 'value="' + "d" * 1001 + '"' in too_long.get_data(as_text=True)
    assert sorted(d.text for d in rows(MeetingDecision)) == ["Avviare subito la co-progettazione",
                                                             "Coinvolgere il terzo settore"]
    second_id = second.id
    assert meeting.post(f"/gestione/verbale/decisioni/{second_id}/elimina").status_code == 302
    assert [d.text for d in rows(MeetingDecision)] == ["Avviare subito la co-progettazione"]
    assert meeting.post("/gestione/verbale/decisioni/999999/elimina").status_code == 404


def test_a_next_step_names_a_known_organisation_as_the_app_matches_it(meeting, rows):
    response = meeting.post(f"{meeting.url}/passi", **step_form(meeting))
    assert response.status_code == 302
    [step] = rows(NextStep)
    assert step.organisation_id == meeting.bergamo.id and step.done_on is None
    page = meeting.client.get(meeting.url).get_data(as_text=True)
    assert 'list="known-organisations"' in page and '<datalist id="known-organisations">' in page


def test_a_new_organisation_needs_its_kind(meeting, rows):
    before = len(rows(Organisation))
    refused = meeting.post(f"{meeting.url}/passi", **step_form(meeting, **{"step-organisation": "Cooperativa Aurora"}))
    assert refused.status_code == 422 and "indica di che tipo è" in refused.get_data(as_text=True)
    assert len(rows(Organisation)) == before and rows(NextStep) == []
    assert meeting.post(f"{meeting.url}/passi", **step_form(
        meeting, **{"step-organisation": "Cooperativa Aurora",
                    "step-organisation_kind": "terzo_settore"})).status_code == 302
    [step] = rows(NextStep)
    assert step.organisation.name == "Cooperativa Aurora"
    assert step.organisation.kind is OrganisationKind.TERZO_SETTORE


def test_a_due_date_before_the_meeting_is_refused_with_the_form_kept(meeting, rows):
    before = len(rows(Organisation))
    typed = step_form(meeting, **{"step-due_on": day(meeting.event, -1),
                                  "step-organisation": "Cooperativa Aurora",
                                  "step-organisation_kind": "terzo_settore"})
    response = meeting.post(f"{meeting.url}/passi", **typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="step-due_on-error"' in page and "La scadenza non può precedere l&#39;incontro" in page
    for name in ("step-text", "step-due_on", "step-organisation"):
        assert f'name="{name}"' in page and f'value="{typed[name]}"' in page
    assert rows(NextStep) == [] and len(rows(Organisation)) == before
    for field, value, message in (("step-text", "", "Scrivi il prossimo passo."),
                                  ("step-text", "p" * 501, "al massimo 500 caratteri"),
                                  ("step-due_on", "", "Indica la scadenza"),
                                  ("step-due_on", "31/02/2030", "Indica la scadenza")):
        response = meeting.post(f"{meeting.url}/passi", **step_form(meeting, **{field: value}))
        assert response.status_code == 422 and message in response.get_data(as_text=True), field
    assert rows(NextStep) == []


def test_a_next_step_is_edited_done_reopened_and_removed(meeting, rows):
    meeting.post(f"{meeting.url}/passi", **step_form(meeting))
    [step] = rows(NextStep)
    prefix = f"step-{step.id}-"
    edit = {prefix + "text": "Inviare la delibera firmata", prefix + "organisation": "Formez",
            prefix + "organisation_kind": "", prefix + "due_on": day(meeting.event, 30)}
    assert meeting.post(f"/gestione/verbale/passi/{step.id}", **edit).status_code == 302
    refused = meeting.post(f"/gestione/verbale/passi/{step.id}", **{**edit, prefix + "due_on": day(meeting.event, -3)})
    assert refused.status_code == 422 and f'id="{prefix}due_on-error"' in refused.get_data(as_text=True)
    [step] = rows(NextStep)
    assert (step.text, step.organisation.name) == ("Inviare la delibera firmata", "Formez")
    assert step.due_on.isoformat() == day(meeting.event, 30)
    assert meeting.post(f"/gestione/verbale/passi/{step.id}/fatto", done="y").status_code == 302
    assert rows(NextStep)[0].done_on is not None
    assert meeting.post(f"/gestione/verbale/passi/{step.id}/fatto").status_code == 302
    assert rows(NextStep)[0].done_on is None
    step_id = step.id
    assert meeting.post(f"/gestione/verbale/passi/{step_id}/elimina").status_code == 302
    assert rows(NextStep) == []
    assert meeting.post(f"/gestione/verbale/passi/{step_id}/fatto", done="y").status_code == 404
    actions = [entry.action for entry in rows(AuditEntry) if entry.action.startswith("meeting.")]
    assert actions == ["meeting.step_added", "meeting.step_updated", "meeting.step_done",
                       "meeting.step_reopened", "meeting.step_removed"]


def test_steps_due_before_a_meeting_that_moved_are_flagged(meeting, rows):
    meeting.post(f"{meeting.url}/passi", **step_form(meeting, **{"step-due_on": day(meeting.event, 2)}))
    event = db.session.get(type(meeting.event), meeting.event.id)
    events.save_event(event, starts_at=event.starts_at + timedelta(days=7),
                      ends_at=event.ends_at + timedelta(days=7), move_agenda=True)
    commit_test_work()
    page = meeting.client.get(meeting.url).get_data(as_text=True)
    assert "1 prossimo passo scade prima dell'incontro" in page and "step-before-meeting" in page


def test_forms_need_their_csrf_token(meeting, rows):
    response = meeting.client.post(meeting.url, data={"minutes": "Senza token"})
    assert response.status_code in (400, 422)
    assert rows(MeetingRecord) == []


def test_the_record_page_in_english(meeting):
    page = meeting.client.get(f"{meeting.url}?lang=en").get_data(as_text=True)
    assert "Minutes of the meeting" in page and "Who was there" in page
    assert "Present: 0 · Excused: 0 · Absent: 4" in page
