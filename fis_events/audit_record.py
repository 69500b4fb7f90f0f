"""Recording staff actions: the audit entry of a change, written in the change's transaction.

`record()` adds an entry to the current session, so it is committed with the change it
describes, or not at all. Who acted comes from the request: the user it is logged in as and the
door device it was made from (put on `g` by fis_events.checkin.access), or the command line
when there is no request. A request with neither is a participant using their own registration
link: every staff route needs a login or a paired device, so nothing else reaches a service
anonymously. Entries keep ids, never names: the activity log (fis_events/audit, on top of
every domain) puts them into words when it reads them, so erasure reaches the log too.
"""
import enum
from datetime import date, datetime

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from .extensions import db

#: code: (kind of action, for the filter; what the actor did, as a sentence)
ACTIONS = {
    "event.created": (_l("Evento creato"), _l("Ha creato l'evento «%(event)s»")),
    "event.updated": (_l("Evento modificato"), _l("Ha modificato l'evento «%(event)s»")),
    "event.copied": (_l("Evento copiato"),
                     _l("Ha creato «%(event)s» copiando un altro evento, con il suo programma")),
    "series.created": (_l("Serie creata"),
                       _l("Ha creato una serie di incontri a partire da «%(event)s»")),
    "series.agenda_copied": (_l("Programma copiato negli incontri successivi"),
                             _l("Ha copiato il programma di «%(event)s» negli incontri successivi "
                                "della serie (%(count)s)")),
    "material.added": (_l("Materiale aggiunto"), _l("Ha aggiunto un materiale a «%(event)s»")),
    "material.removed": (_l("Materiale eliminato"), _l("Ha eliminato un materiale di «%(event)s»")),
    "feedback.question_added": (_l("Domanda del questionario aggiunta"),
                                _l("Ha aggiunto una domanda al questionario di «%(event)s»")),
    "feedback.question_updated": (_l("Domanda del questionario modificata"),
                                  _l("Ha modificato una domanda del questionario di «%(event)s»")),
    "feedback.question_deleted": (_l("Domanda del questionario eliminata"),
                                  _l("Ha eliminato una domanda del questionario di «%(event)s»")),
    "feedback.question_moved": (_l("Domanda del questionario spostata"),
                                _l("Ha spostato una domanda del questionario di «%(event)s»")),
    "feedback.closing_changed": (_l("Chiusura del questionario cambiata"),
                                 _l("Ha fissato la chiusura del questionario di «%(event)s» al "
                                    "%(date)s")),
    "feedback.default_question_added": (
        _l("Domanda del questionario predefinito aggiunta"),
        _l("Ha aggiunto una domanda al questionario predefinito degli eventi di tipo «%(event_kind)s»")),
    "feedback.default_question_updated": (
        _l("Domanda del questionario predefinito modificata"),
        _l("Ha modificato una domanda del questionario predefinito degli eventi di tipo «%(event_kind)s»")),
    "feedback.default_question_deleted": (
        _l("Domanda del questionario predefinito eliminata"),
        _l("Ha eliminato una domanda del questionario predefinito degli eventi di tipo «%(event_kind)s»")),
    "feedback.default_question_moved": (
        _l("Domanda del questionario predefinito spostata"),
        _l("Ha spostato una domanda del questionario predefinito degli eventi di tipo «%(event_kind)s»")),
    "template.saved": (_l("Modello salvato"),
                       _l("Ha salvato «%(event)s» come modello «%(template)s»")),
    "template.renamed": (_l("Modello rinominato"), _l("Ha rinominato il modello «%(template)s»")),
    "template.deleted": (_l("Modello eliminato"),
                         _l("Ha eliminato il modello di evento n. %(target_id)s")),
    "template.used": (_l("Evento creato da un modello"),
                      _l("Ha creato «%(event)s» dal modello «%(template)s»")),
    "event.published": (_l("Evento pubblicato"), _l("Ha pubblicato l'evento «%(event)s»")),
    "event.unpublished": (_l("Evento riportato in bozza"),
                          _l("Ha riportato in bozza l'evento «%(event)s»")),
    "event.cancelled": (_l("Evento annullato"), _l("Ha annullato l'evento «%(event)s»")),
    "event.held": (_l("Incontro segnato come svolto"),
                   _l("Ha segnato come svolto l'incontro «%(event)s»")),
    "event.held_undone": (_l("Incontro non più segnato come svolto"),
                          _l("Ha tolto il segno di incontro svolto a «%(event)s»")),
    "agenda.item_added": (_l("Punto del programma aggiunto"),
                          _l("Ha aggiunto il punto «%(item)s» al programma di «%(event)s»")),
    "agenda.item_updated": (_l("Punto del programma modificato"),
                            _l("Ha modificato il punto «%(item)s» del programma di «%(event)s»")),
    "agenda.item_deleted": (_l("Punto del programma eliminato"),
                            _l("Ha eliminato un punto dal programma di «%(event)s»")),
    "agenda.item_moved": (_l("Punto del programma spostato"),
                          _l("Ha spostato il punto «%(item)s» nel programma di «%(event)s»")),
    "agenda.imported": (_l("Programma importato"),
                        _l("Ha importato il programma di «%(event)s» (punti: %(count)s)")),
    "agenda.speaker_added": (_l("Relatore aggiunto"),
                             _l("Ha aggiunto %(speaker)s ai relatori del punto «%(item)s» di "
                                "«%(event)s»")),
    "agenda.speaker_updated": (_l("Relatore modificato"),
                               _l("Ha segnato %(speaker)s %(remote)s nel punto «%(item)s» di "
                                  "«%(event)s»")),
    "agenda.speaker_removed": (_l("Relatore tolto"),
                               _l("Ha tolto %(speaker)s dai relatori del punto «%(item)s» di "
                                  "«%(event)s»")),
    "agenda.speaker_moved": (_l("Relatore spostato"),
                             _l("Ha spostato %(speaker)s tra i relatori del punto «%(item)s» di "
                                "«%(event)s»")),
    "registration.added": (_l("Iscrizione fatta dall'organizzatore"),
                           _l("Ha iscritto %(person)s a «%(event)s»")),
    "registration.cancelled": (_l("Iscrizione annullata"),
                               _l("Ha annullato l'iscrizione di %(person)s a «%(event)s»")),
    "registration.mode_switched": (_l("Modalità cambiata"),
                                   _l("Ha cambiato la modalità di %(person)s a «%(event)s»: ora "
                                      "%(mode)s")),
    "registration.promoted": (_l("Iscrizione confermata dalla lista d'attesa"),
                              _l("Ha confermato %(person)s, dalla lista d'attesa, a «%(event)s»")),
    "registration.resent": (_l("E-mail dell'iscrizione inviata di nuovo"),
                            _l("Ha inviato di nuovo l'e-mail dell'iscrizione di %(person)s a "
                               "«%(event)s»")),
    "registrations.invited": (_l("Inviti inviati"),
                              _l("Ha inviato inviti per «%(event)s» (indirizzi: %(count)s)")),
    "registrations.messaged": (_l("Messaggio agli iscritti"),
                               _l("Ha scritto agli iscritti di «%(event)s» (destinatari: %(count)s)")),
    "registrations.exported": (_l("Elenco degli iscritti esportato"),
                               _l("Ha esportato l'elenco degli iscritti a «%(event)s» (%(format)s, "
                                  "righe: %(count)s)")),
    "badges.downloaded": (_l("Badge scaricati"),
                          _l("Ha scaricato i badge di «%(event)s» (%(count)s)")),
    "certificates.downloaded": (_l("Attestati scaricati"),
                                _l("Ha scaricato gli attestati di «%(event)s» (%(count)s)")),
    "attendance.marked": (_l("Presenza segnata"),
                          _l("Ha segnato presente %(person)s a «%(event)s»")),
    "attendance.unmarked": (_l("Presenza tolta"),
                            _l("Ha tolto la presenza di %(person)s a «%(event)s»")),
    "attendance.added": (_l("Presente senza iscrizione aggiunto"),
                         _l("Ha aggiunto %(person)s, presente senza iscrizione, a «%(event)s»")),
    "attendance.report_imported": (_l("Report delle presenze importato"),
                                   _l("Ha importato il report delle presenze di «%(event)s» "
                                      "(nuove presenze: %(count)s)")),
    "meeting.minutes_saved": (_l("Verbale salvato"),
                              _l("Ha scritto il verbale dell'incontro «%(event)s»")),
    "meeting.decision_added": (_l("Decisione aggiunta al verbale"),
                               _l("Ha aggiunto una decisione al verbale di «%(event)s»")),
    "meeting.decision_updated": (_l("Decisione del verbale modificata"),
                                 _l("Ha modificato una decisione del verbale di «%(event)s»")),
    "meeting.decision_removed": (_l("Decisione del verbale eliminata"),
                                 _l("Ha eliminato una decisione dal verbale di «%(event)s»")),
    "meeting.step_added": (_l("Prossimo passo aggiunto"),
                           _l("Ha affidato un prossimo passo di «%(event)s» all'ente %(organisation)s")),
    "meeting.step_updated": (_l("Prossimo passo modificato"),
                             _l("Ha modificato un prossimo passo di «%(event)s» (ente: %(organisation)s)")),
    "meeting.step_removed": (_l("Prossimo passo eliminato"),
                             _l("Ha eliminato un prossimo passo di «%(event)s» (ente: %(organisation)s)")),
    "meeting.step_done": (_l("Prossimo passo fatto"),
                          _l("Ha segnato come fatto un prossimo passo di «%(event)s» (ente: "
                             "%(organisation)s)")),
    "meeting.step_reopened": (_l("Prossimo passo riaperto"),
                              _l("Ha riaperto un prossimo passo di «%(event)s» (ente: %(organisation)s)")),
    "meeting.excused": (_l("Assenza giustificata"),
                        _l("Ha segnato %(person)s assente giustificato a «%(event)s»")),
    "meeting.absent": (_l("Assenza segnata"), _l("Ha segnato %(person)s assente a «%(event)s»")),
    "meeting.minutes_downloaded": (_l("Verbale scaricato"),
                                   _l("Ha scaricato il verbale di «%(event)s» (persone: %(count)s)")),
    "checkin.manual": (_l("Ingresso registrato a mano"),
                       _l("Ha registrato a mano l'ingresso di %(person)s a «%(event)s»")),
    "checkin.undone": (_l("Ingresso annullato"),
                       _l("Ha annullato l'ingresso di %(person)s a «%(event)s»")),
    "checkin.walk_in": (_l("Iscrizione all'ingresso"),
                        _l("Ha iscritto all'ingresso %(person)s, arrivato senza iscrizione, a "
                           "«%(event)s»")),
    "checkin.staff_assigned": (_l("Personale assegnato all'ingresso"),
                               _l("Ha assegnato %(user)s all'ingresso di «%(event)s»")),
    "checkin.staff_removed": (_l("Personale tolto dall'ingresso"),
                              _l("Ha tolto %(user)s dall'ingresso di «%(event)s»")),
    "checkin.pairing_created": (_l("Codice di abbinamento creato"),
                                _l("Ha creato un codice per abbinare telefoni all'ingresso di "
                                   "«%(event)s»")),
    "checkin.device_paired": (_l("Dispositivo abbinato"),
                              _l("Ha abbinato il dispositivo «%(device)s» all'ingresso di "
                                 "«%(event)s»")),
    "checkin.device_revoked": (_l("Dispositivo disabilitato"),
                               _l("Ha disabilitato il dispositivo «%(device)s» all'ingresso di "
                                  "«%(event)s»")),
    "organisation.updated": (_l("Ente modificato"),
                             _l("Ha modificato i dati dell'ente %(organisation)s")),
    "organisation.stage_recorded": (_l("Tappa del programma registrata"),
                                    _l("Ha registrato la tappa «%(stage)s» dell'ente "
                                       "%(organisation)s, con data %(date)s")),
    "organisation.stage_deleted": (_l("Tappa del programma eliminata"),
                                   _l("Ha eliminato la tappa «%(stage)s» dell'ente "
                                      "%(organisation)s")),
    "person.corrected": (_l("Dati di una persona corretti"),
                         _l("Ha corretto i dati di %(person)s, iscritto a «%(event)s»")),
    "organisation.merged": (_l("Enti uniti"),
                            _l("Ha unito all'ente %(organisation)s il suo doppione n. %(merged)s "
                               "(persone spostate: %(count)s)")),
    "person.erased": (_l("Persona anonimizzata"),
                      _l("Ha anonimizzato i dati personali della persona n. %(target_id)s")),
    "people.purged": (_l("Periodo di conservazione applicato"),
                      _l("Ha applicato il periodo di conservazione (persone "
                         "anonimizzate: %(count)s)")),
    "programme.feedback_published": (_l("Gradimento pubblicato"),
                                     _l("Ha pubblicato il gradimento medio del programma "
                                        "%(programme)s sulla pagina dei risultati")),
    "programme.feedback_withdrawn": (_l("Gradimento non più pubblicato"),
                                     _l("Ha tolto il gradimento medio del programma "
                                        "%(programme)s dalla pagina dei risultati")),
    "results.recounted": (_l("Cifre ricalcolate"), _l("Ha ricalcolato le cifre della partecipazione")),
    "results.exported": (_l("Partecipanti esportati dai risultati"),
                         _l("Ha esportato l'elenco dei partecipanti dai risultati (%(format)s, "
                            "righe: %(count)s)")),
    "account.login": (_l("Accesso"), _l("È entrato nell'area riservata")),
    "account.logout": (_l("Uscita"), _l("È uscito dall'area riservata")),
    "account.created": (_l("Account creato"), _l("Ha creato l'account di %(user)s (%(role)s)")),
    "account.password_changed": (_l("Password cambiata"), _l("Ha cambiato la propria password")),
    "account.disabled": (_l("Account disabilitato"), _l("Ha disabilitato l'account di %(user)s")),
    "audit.exported": (_l("Registro delle attività esportato"),
                       _l("Ha esportato il registro delle attività (righe: %(count)s)")),
    "report.subscribed": (_l("Report per e-mail richiesto"),
                          _l("Ha chiesto di ricevere per e-mail il report n. %(target_id)s "
                             "(%(format)s)")),
    "report.changed": (_l("Report per e-mail modificato"),
                       _l("Ha modificato il report per e-mail n. %(target_id)s (%(format)s)")),
    "report.paused": (_l("Report per e-mail sospeso"),
                      _l("Ha sospeso il report per e-mail n. %(target_id)s")),
    "report.resumed": (_l("Report per e-mail ripreso"),
                       _l("Ha ripreso il report per e-mail n. %(target_id)s")),
    "report.deleted": (_l("Report per e-mail eliminato"),
                       _l("Ha eliminato il report per e-mail n. %(target_id)s")),
    "report.sent": (_l("Report inviato per e-mail"),
                    _l("Ha messo in invio il report per e-mail n. %(target_id)s (%(format)s, "
                       "righe: %(count)s)")),
}


class ActorKind(LabelledEnum):
    """Who acted, as far as the request tells: a staff user, a paired door phone, the command line
    (no request), or someone using their own registration link (a request with no login)."""

    USER = "user"
    DEVICE = "device"
    COMMAND_LINE = "command_line"
    PARTICIPANT = "participant"

    @classmethod
    def _labels(cls):
        return {
            cls.USER: _l("Utente"),
            cls.DEVICE: _l("Dispositivo all'ingresso"),
            cls.COMMAND_LINE: _l("Riga di comando"),
            cls.PARTICIPANT: _l("Partecipante (con il proprio collegamento)"),
        }


class AuditEntry(db.Model):
    """Ids only, never names or addresses: what an entry is about is read when the log is shown,
    so anonymising a person anonymises the log too. Events, devices and targets are plain ids,
    not foreign keys: the log outlives what it mentions."""

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_kind = db.Column(EnumText(ActorKind), nullable=False)
    actor_user_id = db.Column(db.ForeignKey("user.id"), index=True)
    #: the paired check-in device (CheckinDevice.id) the request came from
    actor_device_id = db.Column(db.Integer)
    #: a code of fis_events.audit.services.ACTIONS, e.g. "registration.cancelled"
    action = db.Column(db.String(50), nullable=False, index=True)
    event_id = db.Column(db.Integer, index=True)
    #: the table of what was acted on ("registration", "person", …) and its id
    target_type = db.Column(db.String(30))
    target_id = db.Column(db.Integer)
    #: small facts as JSON (counts, a mode, a file format): numbers and codes only
    details = db.Column(db.JSON)

    actor_user = db.relationship("User")


# ---- recording ------------------------------------------------------------------------------

def record(action, *, event=None, target=None, user=None, device=None, **details):
    """Add an entry for `action` (a code of ACTIONS) to the session; the caller's commit writes
    it. `event` and `target` are rows (or, for the event, an id); `user` and `device` name the
    actor when the caller knows better than the request (logging in, pairing a phone, a service
    told who acts). `details`: numbers, codes, dates, enums; never names or addresses."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action}")
    if any(getattr(row, "id", 0) is None for row in (event, target)):
        db.session.flush()  # a row created in this transaction: its id
    kind, user_id, device_id = _actor(user, device)
    entry = AuditEntry(
        actor_kind=kind, actor_user_id=user_id, actor_device_id=device_id, action=action,
        event_id=getattr(event, "id", event),
        target_type=target.__tablename__ if target is not None else None,
        target_id=target.id if target is not None else None,
        details={name: _plain(value) for name, value in details.items()} or None)
    db.session.add(entry)
    return entry


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _actor(user, device):
    """(kind, user id, device id) of whoever acts now."""
    if user is not None and not getattr(user, "is_authenticated", True):
        user = None
    if user is None and device is None:
        if not has_request_context():
            return ActorKind.COMMAND_LINE, None, None
        user, device = g.get("checkin_actor", (None, None))
        if user is None and device is None and current_user.is_authenticated:
            user = current_user
    if user is None and device is None:
        return ActorKind.PARTICIPANT, None, None
    return (ActorKind.USER if user is not None else ActorKind.DEVICE,
            getattr(user, "id", None), getattr(device, "id", None))
