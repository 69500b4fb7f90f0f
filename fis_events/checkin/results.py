"""The door's answers: every result a scan can get, and the words the door shows for each.

The one place for them. The server decides with them (services.decide_scan), the API words its
answers with them (api.message_for) and lists them (openapi), and the scanner page gets the same
words as JSON (door_texts) for the answers it decides offline (static/js/door/decision.mjs).
tests/checkin/door_decisions.json is the table of decisions both deciders must pass.
"""
import enum

from flask_babel import lazy_gettext as _l


class ScanResult(enum.StrEnum):
    """What a scan row says the door answered (a string, as the API and the scanner spell it)."""

    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    #: an offline scan uploaded after another door's admission of the same badge, but made
    #: before it: this scan becomes the attendance's time, the other admission stays logged
    ENTERED_EARLIER = "entered_earlier"
    UNKNOWN = "unknown"
    OTHER_EVENT = "other_event"
    CANCELLED = "cancelled"
    WAITING_LIST = "waiting_list"
    NOT_TODAY = "not_today"
    INVALID_FORMAT = "invalid_format"
    #: not an answer: a check-in taken back, logged among the scans
    UNDO = "undo"


#: the answers a scan can get (UNDO is logged, never answered)
DECISIONS = tuple(result for result in ScanResult if result is not ScanResult.UNDO)

#: how the door signals an answer: let in, seen before, or refused
KINDS = {ScanResult.OK: "ok", ScanResult.ENTERED_EARLIER: "ok",
         ScanResult.ALREADY_CHECKED_IN: "already"}
HEADS = {"ok": _l("OK"), "already": _l("Già entrato"), "error": _l("Non ammesso")}

#: the sentence of each answer; an answer naming an earlier entry adds " (door, who)" to it
MESSAGES = {
    ScanResult.OK: _l("OK: %(name)s"),
    ScanResult.ALREADY_CHECKED_IN: _l("Già entrato alle %(time)s"),
    ScanResult.ENTERED_EARLIER: _l("Vale questo ingresso, il primo: un'altra porta lo aveva "
                                   "registrato alle %(time)s"),
    ScanResult.UNKNOWN: _l("Codice sconosciuto: nessuna iscrizione corrisponde."),
    ScanResult.OTHER_EVENT: _l("Iscrizione a un altro evento: «%(title)s», %(date)s"),
    ScanResult.CANCELLED: _l("Iscrizione annullata."),
    ScanResult.WAITING_LIST: _l("Ancora in lista d'attesa: non ha un posto confermato."),
    ScanResult.NOT_TODAY: _l("L'evento non è oggi."),
    ScanResult.INVALID_FORMAT: _l("Non è un codice di fis-events."),
}
#: every value a message can name, written as the scanner's templates spell them ("{name}")
_PLACEHOLDERS = {name: "{%s}" % name for name in ("name", "time", "title", "date")}


def kind_of(result):
    return KINDS.get(result, "error")


def message(result, values):
    """The door's sentence for `result`, in the current language. `values` fill it in; without
    the time of the earlier entry (a scan logged before the time was kept) the head says it."""
    if result in (ScanResult.ALREADY_CHECKED_IN, ScanResult.ENTERED_EARLIER) and not values.get("time"):
        return str(HEADS["already"])
    text = str(MESSAGES[result]) % values
    return f"{text} ({values['where']})" if values.get("where") else text


def door_texts():
    """The answers' words and kinds for the scanner page, with "{name}"-style placeholders."""
    return {"heads": {kind: str(head) for kind, head in HEADS.items()},
            "results": {result.value: {"message": str(MESSAGES[result]) % _PLACEHOLDERS,
                                       "kind": kind_of(result)} for result in DECISIONS}}
