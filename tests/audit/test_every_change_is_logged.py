"""Every POST under /gestione, and the door's manual check-in, undo and walk-in, leaves an entry
naming the admin who made it when it succeeds. A route added later without one fails here."""
import io
from pathlib import Path

import pytest
from support import form_values

from fis_events.audit_record import ActorKind
from fis_events.audit.services import describe
from fis_events.checkin import services as checkin
from fis_events.events import copying
from fis_events.materials import services as materials
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.programme.models import Organisation, OrganisationKind
from fis_events.reports import services as reports

SAMPLES = Path(__file__).parent.parent / "participation" / "samples"
#: POST routes that change nothing recorded
EXEMPT = {
    "participation_manage.upload_report": "the preview writes nothing",
    "participation_manage.discard_report": "deletes the uploaded file, nothing was recorded",
    "manage.paste_agenda": "the preview writes nothing",
}
DOOR_API = {"checkin_api.manual", "checkin_api.undo", "checkin_api.walk_in"}
SCENARIOS = {}


def scenario(endpoint, *actions, setup=None):
    """A successful request to `endpoint` (after `setup`) and the actions it must log."""
    def register(make_request):
        SCENARIOS[endpoint] = (setup, make_request, set(actions))
        return make_request
    return register


def post(s, url, **data):
    return s.client.post(url, data={"csrf_token": s.token, **data})


def api(s, action, payload):
    return s.client.post(f"/api/v1/events/{s.event.id}/checkin/{action}", json=payload,
                         headers={"X-CSRFToken": s.token})


def event_form(s, **overrides):
    return dict(title="Incontro con il Comune di Bergamo", kind="support_meeting",
                starts_at="2030-03-05T10:00", ends_at="2030-03-05T12:30", host_event="None",
                programme="None", phase="None", offers_in_person="y", capacity_in_person="12",
                remote_platform="", language="it", **overrides)


def item_form(s):
    return dict(title="Saluti istituzionali", kind="talk",
                day=s.event.starts_at.astimezone(ROME).date().isoformat())


@scenario("manage.new_event", "event.created")
def _(s):
    return post(s, "/gestione/eventi/nuovo", **event_form(s))


@scenario("manage.edit_event", "event.updated")
def _(s):
    """A move the registrants are told of: shown first, logged once confirmed."""
    url = f"/gestione/eventi/{s.event.id}/modifica"
    step = post(s, url, **event_form(s))
    assert step.status_code == 200 and "Salva e avvisa" in step.get_data(as_text=True)
    return post(s, url, confirm_notice=form_values(step)["confirm_notice"], **event_form(s))


@scenario("manage.copy_event", "event.created", "event.copied")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/copia", **event_form(s))


@scenario("manage.new_series", "series.created", "event.created", "event.published")
def _(s):
    day = s.event.starts_at.astimezone(ROME)
    return post(s, f"/gestione/eventi/{s.event.id}/serie", create="1", title="Incontri",
                title_pattern="Incontro n. {n}", frequency="weekly", interval="1",
                week_of_month="1", weekday="0", weekdays=str(day.weekday()), ends="count",
                count="2", skip_holidays="")


@scenario("manage.confirm_agenda", "agenda.imported")
def _(s):
    from fis_events.events.agenda_import import agenda_digest
    return post(s, f"/gestione/eventi/{s.event.id}/programma/anteprima", digest=agenda_digest(s.event),
                items="1", confirm="1", **{"items-0-title": "Dibattito", "items-0-kind": "panel",
                                          "items-0-speakers": "0"})


@scenario("manage.copy_agenda_to_later_meetings", "series.agenda_copied")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/programma/successivi")


@scenario("materials_manage.materials", "material.added")
def _(s):
    return s.client.post(f"/gestione/eventi/{s.event.id}/materiali", data={
        "csrf_token": s.token, "url": "https://example.org/slide", "agenda_item": "None",
        "visibility": "public"})


@scenario("materials_manage.remove", "material.removed",
          setup=lambda s: setattr(s, "material", materials.add_link(s.event, url="https://example.org/x")))
def _(s):
    return post(s, f"/gestione/materiali/{s.material.id}/elimina")


QUESTION = dict(kind="single_choice", text_it="Come ha saputo dell'incontro?", text_en="",
                choices="Dal sito\nDa un collega", required="")
REWORDED = dict(kind="text", text_it="Che cosa porterà nel suo lavoro?", text_en="", choices="")


@scenario("feedback_manage.event_questionnaire", "feedback.question_added")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/questionario", op="add", **QUESTION)


@scenario("feedback_manage.event_question", "feedback.question_updated")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/questionario/domande/4", **REWORDED)


@scenario("feedback_manage.kind_questionnaire", "feedback.default_question_added")
def _(s):
    return post(s, "/gestione/questionari/workshop", op="add", **QUESTION)


@scenario("feedback_manage.kind_question", "feedback.default_question_updated")
def _(s):
    return post(s, "/gestione/questionari/workshop/domande/4", **REWORDED)


def test_the_other_questionnaire_changes(scene, log):
    """Moving, deleting and the closing date go through the same pages as above."""
    before = log()[-1].id
    url = f"/gestione/eventi/{scene.event.id}/questionario"
    for data in ({"op": "up", "number": "2"}, {"op": "delete", "number": "1"},
                 {"op": "closing", "closes_on": "2099-01-31"}):
        assert post(scene, url, **data).status_code == 302
    assert post(scene, "/gestione/questionari/workshop", op="down", number="1").status_code == 302
    entries = log(after=before)
    assert [entry.action for entry in entries] == [
        "feedback.question_moved", "feedback.question_deleted", "feedback.closing_changed",
        "feedback.default_question_moved"]
    assert [row.what for row in describe(entries)][2:] == [
        "Ha fissato la chiusura del questionario di «Laboratorio di co-progettazione» al "
        "sabato 31 gennaio 2099",
        "Ha spostato una domanda del questionario predefinito degli eventi di tipo «Workshop»"]


def with_template(s):
    s.template = copying.save_as_template(s.event)


@scenario("manage.save_as_template", "template.saved")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/modello")


@scenario("manage.rename_template", "template.renamed", setup=with_template)
def _(s):
    return post(s, f"/gestione/modelli/{s.template.id}/rinomina", name="Incontro tipo")


@scenario("manage.delete_template", "template.deleted", setup=with_template)
def _(s):
    return post(s, f"/gestione/modelli/{s.template.id}/elimina")


@scenario("manage.event_from_template", "event.created", "template.used", setup=with_template)
def _(s):
    return post(s, f"/gestione/modelli/{s.template.id}/nuovo", **event_form(s))


@scenario("manage.change_status", "event.published")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/stato/publish")


@scenario("manage.cancel_event", "event.cancelled")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/annulla", notice_note="Rinviato.")


@scenario("manage.add_item", "agenda.item_added")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/agenda", **item_form(s))


@scenario("manage.edit_item", "agenda.item_updated")
def _(s):
    return post(s, f"/gestione/agenda/{s.item.id}", **item_form(s))


@scenario("manage.delete_item", "agenda.item_deleted")
def _(s):
    return post(s, f"/gestione/agenda/{s.item.id}/elimina")


@scenario("manage.move_item", "agenda.item_moved")
def _(s):
    return post(s, f"/gestione/agenda/{s.item.id}/sposta", direction="down")


@scenario("manage.add_speaker", "agenda.speaker_added")
def _(s):
    return post(s, f"/gestione/agenda/{s.item.id}/relatori", name="Mario Bianchi")


@scenario("manage.move_speaker", "agenda.speaker_moved")
def _(s):
    return post(s, f"/gestione/relatori/{s.link.id}/sposta", direction="up")


@scenario("manage.toggle_speaker_remote", "agenda.speaker_updated")
def _(s):
    return post(s, f"/gestione/relatori/{s.link.id}/collegamento", remote="1")


@scenario("manage.remove_speaker", "agenda.speaker_removed")
def _(s):
    return post(s, f"/gestione/relatori/{s.link.id}/elimina")


@scenario("checkin_manage.door", "checkin.staff_assigned")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/ingresso", user=str(s.staff.id))


@scenario("checkin_manage.new_pairing", "checkin.pairing_created")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/ingresso/abbinamento")


@scenario("checkin_manage.remove_staff", "checkin.staff_removed",
          setup=lambda s: checkin.assign_staff(s.event, s.staff))
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/ingresso/personale/{s.staff.id}/rimuovi")


@scenario("checkin_manage.revoke", "checkin.device_revoked")
def _(s):
    return post(s, f"/gestione/dispositivi/{s.device.id}/revoca")


@scenario("registration_manage.invite", "registrations.invited")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/inviti", emails="nuovo@example.org", organisation="")


@scenario("registration_manage.add", "registration.added")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/iscritti/nuovo", first_name="Dario",
                last_name="Gallo", email="dario.gallo@example.org", organisation="Comune di Bergamo",
                organisation_kind="", role="", municipality="", mode="remote", privacy_notice="y")


@scenario("registration_manage.message", "registrations.messaged")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/messaggio", subject="Aula cambiata",
                body="Ci vediamo in Sala Giunta.", include_waiting="y")


@scenario("registration_manage.registration_annulla", "registration.cancelled")
def _(s):
    return post(s, f"/gestione/iscrizioni/{s.anna.id}/annulla")


@scenario("registration_manage.person_details", "person.corrected")
def _(s):
    return post(s, f"/gestione/iscrizioni/{s.anna.id}/dati", first_name="Anna Maria",
                last_name="Rossi", organisation="", organisation_kind="", role="", municipality="")


@scenario("registration_manage.registration_cambia_modalita", "registration.mode_switched")
def _(s):
    return post(s, f"/gestione/iscrizioni/{s.anna.id}/cambia-modalita")


@scenario("registration_manage.registration_promuovi", "registration.promoted")
def _(s):
    return post(s, f"/gestione/iscrizioni/{s.waiting.id}/promuovi")


@scenario("registration_manage.registration_reinvia", "registration.resent")
def _(s):
    return post(s, f"/gestione/iscrizioni/{s.anna.id}/reinvia")


@scenario("participation_manage.save_attendance", "attendance.marked")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/presenze", present=str(s.anna.person_id))


@scenario("participation_manage.add_attendee", "attendance.added")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/presenze/aggiungi", first_name="Elena",
                last_name="Fabbri", email="", organisation="Comune di Bergamo",
                organisation_kind="comune_capoluogo", role="", mode="in_person")


@scenario("participation_manage.confirm_report", "attendance.report_imported")
def _(s):
    url = f"/gestione/eventi/{s.event.id}/report-presenze"
    report = (SAMPLES / "zoom_participants.csv").read_bytes()
    preview = s.client.post(url, data={"csrf_token": s.token,
                                       "report": (io.BytesIO(report), "participants.csv")})
    name = preview.get_data(as_text=True).split('name="upload" type="hidden" value="')[1].split('"')[0]
    return post(s, f"{url}/conferma", upload=name)


@scenario("participation_manage.held", "event.held")
def _(s):
    return post(s, f"/gestione/eventi/{s.event.id}/svolto/segna")


def support_meeting(s, with_step=False):
    """The scene's event becomes a support meeting, with a decision and a next step."""
    from fis_events.events.models import EventKind
    from fis_events.meetings import services as meetings

    s.event.kind = EventKind.SUPPORT_MEETING
    s.decision = meetings.add_decision(s.event, "Avviare la co-progettazione")
    s.step = meetings.add_next_step(s.event, text="Inviare la delibera", organisation=s.bergamo,
                                    due_on=s.event.starts_at.astimezone(ROME).date())
    db.session.commit()
    s.meeting_url = f"/gestione/eventi/{s.event.id}/verbale"


@scenario("meetings.save_minutes", "meeting.minutes_saved", setup=support_meeting)
def _(s):
    return post(s, s.meeting_url, minutes="Si discute del calendario.")


@scenario("meetings.add_decision", "meeting.decision_added", setup=support_meeting)
def _(s):
    return post(s, f"{s.meeting_url}/decisioni", **{"decision-text": "Coinvolgere il terzo settore"})


@scenario("meetings.edit_decision", "meeting.decision_updated", setup=support_meeting)
def _(s):
    return post(s, f"/gestione/verbale/decisioni/{s.decision.id}",
                **{f"decision-{s.decision.id}-text": "Coinvolgere subito il terzo settore"})


@scenario("meetings.delete_decision", "meeting.decision_removed", setup=support_meeting)
def _(s):
    return post(s, f"/gestione/verbale/decisioni/{s.decision.id}/elimina")


def step_form(s, prefix):
    return {f"{prefix}-text": "Convocare il tavolo", f"{prefix}-organisation": "Comune di Bergamo",
            f"{prefix}-due_on": s.event.starts_at.astimezone(ROME).date().isoformat()}


@scenario("meetings.add_step", "meeting.step_added", setup=support_meeting)
def _(s):
    return post(s, f"{s.meeting_url}/passi", **step_form(s, "step"))


@scenario("meetings.edit_step", "meeting.step_updated", setup=support_meeting)
def _(s):
    return post(s, f"/gestione/verbale/passi/{s.step.id}", **step_form(s, f"step-{s.step.id}"))


@scenario("meetings.delete_step", "meeting.step_removed", setup=support_meeting)
def _(s):
    return post(s, f"/gestione/verbale/passi/{s.step.id}/elimina")


@scenario("meetings.step_done", "meeting.step_done", setup=support_meeting)
def _(s):
    return post(s, f"/gestione/verbale/passi/{s.step.id}/fatto", done="y")


@scenario("meetings.save_outcomes", "attendance.marked", "meeting.excused", setup=support_meeting)
def _(s):
    anna, bruno = f"p{s.anna.person_id}", f"p{s.bruno.person_id}"
    return post(s, f"{s.meeting_url}/esiti", **{f"outcome-{anna}": "present",
                                                f"outcome-{bruno}": "excused",
                                                f"justification-{bruno}": "In consiglio comunale"})


def test_the_other_changes_of_a_meeting_record(scene, log):
    """Reopening a step, marking absent and downloading the minutes go through the same routes
    or a download, and read as sentences."""
    support_meeting(scene)
    bruno = f"p{scene.bruno.person_id}"
    post(scene, f"{scene.meeting_url}/esiti", **{f"outcome-{bruno}": "excused"})
    before = log()[-1].id
    post(scene, f"/gestione/verbale/passi/{scene.step.id}/fatto", done="y")
    post(scene, f"/gestione/verbale/passi/{scene.step.id}/fatto")
    post(scene, f"{scene.meeting_url}/esiti", **{f"shown-{bruno}": "excused", f"outcome-{bruno}": "absent"})
    assert scene.client.get(f"{scene.meeting_url}.pdf").status_code == 200
    entries = log(after=before)
    assert [row.what for row in describe(entries)] == [
        "Ha segnato come fatto un prossimo passo di «Laboratorio di co-progettazione» (ente: "
        "Comune di Bergamo)",
        "Ha riaperto un prossimo passo di «Laboratorio di co-progettazione» (ente: Comune di Bergamo)",
        "Ha segnato Bruno Verdi assente a «Laboratorio di co-progettazione»",
        "Ha scaricato il verbale di «Laboratorio di co-progettazione» (persone: 4)"]


@scenario("programme_manage.organisation", "organisation.updated")
def _(s):
    return post(s, f"/gestione/organizzazioni/{s.bergamo.id}", name="Comune di Bergamo (BG)",
                kind="comune_capoluogo", istat_code="016024")


@scenario("programme_manage.add_stage", "organisation.stage_recorded")
def _(s):
    return post(s, f"/gestione/organizzazioni/{s.bergamo.id}/tappe", programme=str(s.fis.id),
                stage="feasibility", reached_on="2022-09-01")


@scenario("programme_manage.delete_stage", "organisation.stage_deleted")
def _(s):
    return post(s, f"/gestione/tappe/{s.stage.id}/elimina")


def typed_twin(s):
    """A copy of Comune di Bergamo as the old exact-name lookup made them."""
    db.session.add(Organisation(name="COMUNE DI BERGAMO", kind=OrganisationKind.ALTRO))
    db.session.commit()


@scenario("programme_manage.merge", "organisation.merged", setup=typed_twin)
def _(s):
    return post(s, f"/gestione/organizzazioni/{s.bergamo.id}/unisci", merged_name="COMUNE DI BERGAMO")


@scenario("privacy.erase", "person.erased")
def _(s):
    return post(s, f"/gestione/persone/{s.anna.person_id}/anonimizza")


@scenario("results.recount", "results.recounted")
def _(s):
    return post(s, "/gestione/risultati/ricalcola")


@scenario("results.publish_feedback", "programme.feedback_published")
def _(s):
    return post(s, "/gestione/risultati/gradimento/pubblicazione", programma=s.fis.code, pubblica="1")


@scenario("accounts_manage.disable", "account.disabled")
def _(s):
    return post(s, f"/gestione/utenti/{s.staff.id}/disabilita")


@scenario("checkin_api.manual", "checkin.manual")
def _(s):
    return api(s, "manual", {"registration_id": s.anna.id, "nonce": "manual-1"})


@scenario("checkin_api.undo", "checkin.undone",
          setup=lambda s: checkin.manual_checkin(s.event, s.anna, "before-undo"))
def _(s):
    return api(s, "undo", {"registration_id": s.anna.id})


@scenario("checkin_api.walk_in", "checkin.walk_in", "checkin.manual")
def _(s):
    return api(s, "walk-in", {"first_name": "Fabio", "last_name": "Conti", "mode": "remote",
                              "email": "fabio.conti@example.org"})


def subscribed(s):
    """A report subscription of the admin, for the routes that change one."""
    s.subscription = reports.subscribe(s.admin, {"report": "iscritti", "evento": str(s.event.id),
                                                 "frequenza": "weekly"}, "it")
    db.session.commit()


@scenario("reports.subscribe", "report.subscribed")
def _(s):
    return post(s, "/gestione/report/nuovo", report="risultati", tabella="eventi", programma="FIS",
                frequenza="monthly", formato="csv")


@scenario("reports.change", "report.changed", setup=subscribed)
def _(s):
    return post(s, f"/gestione/report/{s.subscription.id}/modifica", frequenza="monthly",
                formato="xlsx")


@scenario("reports.sospendi", "report.paused", setup=subscribed)
def _(s):
    return post(s, f"/gestione/report/{s.subscription.id}/sospendi")


@scenario("reports.riprendi", "report.resumed", setup=subscribed)
def _(s):
    return post(s, f"/gestione/report/{s.subscription.id}/riprendi")


@scenario("reports.elimina", "report.deleted", setup=subscribed)
def _(s):
    return post(s, f"/gestione/report/{s.subscription.id}/elimina")


def test_every_post_route_has_a_scenario(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and rule.rule.startswith("/gestione/")}
    assert (posts | DOOR_API) - set(EXEMPT) == set(SCENARIOS)


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
def test_a_successful_change_is_logged_with_its_author(endpoint, scene, log):
    setup, make_request, actions = SCENARIOS[endpoint]
    if setup is not None:
        setup(scene)
    before = log()[-1].id
    response = make_request(scene)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[-3000:]
    entries = log(after=before)
    assert {entry.action for entry in entries} == actions
    assert all((entry.actor_kind, entry.actor_user_id) == (ActorKind.USER, scene.admin.id)
               for entry in entries)
    assert all(entry.event_id == scene.event.id for entry in entries
               if entry.action.split(".")[0] in ("agenda", "registration", "checkin", "attendance"))
    for row in describe(entries):  # a sentence with every name it needs
        assert row.who == "Admin (Amministratore)"
        assert "(eliminato)" not in row.what and "%" not in row.what, row.what


def test_the_other_status_changes_of_those_routes(scene, log):
    """Unpublishing and taking back "held" go through the same routes as above."""
    before = log()[-1].id
    for url in (f"/gestione/eventi/{scene.event.id}/svolto/segna",
                f"/gestione/eventi/{scene.event.id}/svolto/annulla",
                f"/gestione/eventi/{scene.event.id}/stato/unpublish",
                f"/gestione/eventi/{scene.event.id}/stato/publish"):
        assert post(scene, url).status_code == 302
    assert [entry.action for entry in log(after=before)] == [
        "event.held", "event.held_undone", "event.unpublished", "event.published"]


def test_unticking_in_the_register(scene, log):
    url = f"/gestione/eventi/{scene.event.id}/presenze"
    post(scene, url, present=str(scene.anna.person_id))
    checkin.manual_checkin(scene.event, scene.bruno, "door-1")  # in through the door too
    before = log()[-1].id
    post(scene, url, shown_present=[str(scene.anna.person_id), str(scene.bruno.person_id)])
    entries = log(after=before)
    assert [(entry.action, entry.target_id, entry.details) for entry in entries] == [
        ("attendance.unmarked", scene.anna.person_id, {"kept": False}),
        ("attendance.unmarked", scene.bruno.person_id, {"kept": True})]
    assert [row.what for row in describe(entries)] == [
        "Ha tolto la presenza di Anna Rossi a «Laboratorio di co-progettazione»",
        "Ha tolto la presenza di Bruno Verdi a «Laboratorio di co-progettazione» "
        "(resta presente per altre fonti)"]
