"""The OpenAPI 3.1 document of /api/v1, built in Python so enums come from the models.

OpenAPI 3.1 schemas are plain JSON Schema 2020-12, so the tests validate real responses
against them with jsonschema; every object forbids undeclared fields, so the document
cannot fall behind serializers.py unnoticed.
"""
from ..checkin import openapi as checkin_openapi
from ..errors import ERROR_CODES
from ..events.models import AgendaItemKind, EventKind, EventStatus
from ..events.services import WHEN
from ..results import openapi as results_openapi

SCHEMA_REF = "#/components/schemas/"


def ref(name):
    return {"$ref": SCHEMA_REF + name}


def nullable(schema):
    return {**schema, "type": [schema["type"], "null"]}


def closed_object(properties, description=None):
    """An object whose fields are all present (possibly null) and nothing else."""
    schema = {"type": "object", "required": list(properties), "properties": properties,
              "additionalProperties": False}
    return {"description": description, **schema} if description else schema


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time",
            "description": "Ora di Roma con lo scarto da UTC, es. 2023-10-24T15:00:00+02:00."}
URL = {"type": "string", "format": "uri"}


def event_properties():
    return {
        "id": {"type": "integer"},
        "title": STRING,
        "kind": {"type": "string", "enum": [k.value for k in EventKind]},
        "status": {"type": "string",
                   "enum": [EventStatus.PUBLISHED.value, EventStatus.CANCELLED.value],
                   "description": "Gli eventi annullati restano pubblici, per avvisare "
                                  "chi li aspetta."},
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "venue": nullable(STRING),
        "address": nullable(STRING),
        "city": nullable(STRING),
        "host_event": {"oneOf": [ref("HostEvent"), {"type": "null"}]},
        "programme": nullable({"type": "string", "description": "Codice del programma, es. FIS."}),
        "phase": nullable({"type": "string",
                           "description": "Codice della fase, es. experimentation."}),
        "offers_in_person": {"type": "boolean"},
        "offers_remote": {"type": "boolean"},
        "invitation_only": {"type": "boolean"},
        "registration_opens_at": nullable(DATETIME),
        "registration_closes_at": nullable(DATETIME),
        "url": {**URL, "description": "Pagina pubblica dell'evento."},
        "ics_url": {**URL, "description": "L'evento in formato iCalendar."},
    }


def error_codes():
    """Every code an error answer can carry: the API's own and the site-wide ones."""
    return ["invalid_parameter", "unknown_parameter", "invalid",
            *(name for name, _message in ERROR_CODES.values())]


def schemas():
    return {
        "Event": closed_object(event_properties(), "Un evento pubblico (pubblicato o annullato)."),
        "EventDetail": closed_object({
            **event_properties(),
            "description": STRING,
            "agenda": {"type": "array", "items": ref("AgendaItem")},
        }, "Un evento con descrizione e programma."),
        "EventList": closed_object({"events": {"type": "array", "items": ref("Event")}}),
        "HostEvent": closed_object({
            "title": STRING, "city": nullable(STRING), "starts_on": DATE, "ends_on": DATE,
        }, "La manifestazione più ampia che ospita l'evento, es. un'Assemblea ANCI."),
        "AgendaItem": closed_object({
            "position": {"type": "integer", "minimum": 0},
            "starts_at": {**nullable(DATETIME),
                          "description": "Vuoto quando il punto segue semplicemente "
                                         "il precedente."},
            "ends_at": nullable(DATETIME),
            "title": STRING,
            "kind": {"type": "string", "enum": [k.value for k in AgendaItemKind]},
            "section": nullable({"type": "string",
                                 "description": "Titolo della sezione che il punto apre."}),
            "description": nullable(STRING),
            "speakers": {"type": "array", "items": ref("Speaker")},
        }, "Un punto del programma, nell'ordine in cui si svolge."),
        "Speaker": closed_object({
            "name": STRING,
            "role": nullable(STRING),
            "organisation": nullable(STRING),
            "remote": {"type": "boolean", "description": "Interviene in collegamento."},
        }),
        "Error": closed_object({
            "error": {**closed_object({
                "code": {"type": "string", "enum": error_codes()},
                "message": {"type": "string", "description": "Spiegazione in italiano."},
                "field": {"type": ["string", "null"],
                          "description": "Il parametro da correggere, quando è uno."},
            }), "required": ["code", "message"]},
        }),
    }


def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query_parameter(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def openapi_document():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Eventi FIS - API pubblica",
            "version": "1.0.0",
            "description": "Eventi pubblici e programmi (agende) del Programma FIS - Fondo "
                           "Innovazione Sociale, attuato da Formez. Sola lettura, senza "
                           "autenticazione; le bozze non compaiono mai.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            **checkin_openapi.paths(),
            **results_openapi.paths(),
            "/events": {"get": {
                "operationId": "listEvents",
                "summary": "Elenco degli eventi pubblici",
                "parameters": [
                    query_parameter("when", {"type": "string", "enum": list(WHEN), "default": "all"},
                                    "upcoming: in corso o futuri, dal più vicino; past: "
                                    "conclusi, dal più recente; home: i prossimi e poi i "
                                    "conclusi, come la pagina iniziale; all: tutti, in ordine "
                                    "di data."),
                    query_parameter("q", STRING,
                                    "Solo gli eventi che contengono tutte queste parole nel "
                                    "titolo, nella descrizione, nei relatori, negli enti o "
                                    "nella città; maiuscole, accenti e apostrofi non contano."),
                    query_parameter("kind",
                                    {"type": "string", "enum": [k.value for k in EventKind]},
                                    "Solo gli eventi di questo tipo."),
                    query_parameter("phase", STRING, "Solo gli eventi di questa fase (codice)."),
                ],
                "responses": {
                    "200": json_response("Gli eventi.", ref("EventList")),
                    "400": json_response("Parametro non valido.", ref("Error")),
                },
            }},
            "/events/{event_id}": {"get": {
                "operationId": "getEvent",
                "summary": "Un evento con il suo programma",
                "parameters": [{"name": "event_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {
                    "200": json_response("L'evento.", ref("EventDetail")),
                    "404": json_response("Evento inesistente o non pubblico.", ref("Error")),
                },
            }},
            "/openapi.json": {"get": {
                "operationId": "getOpenapi",
                "summary": "Questo documento",
                "responses": {
                    "200": json_response("Il documento OpenAPI.", {"type": "object"}),
                },
            }},
        },
        "components": {"schemas": {**schemas(), **checkin_openapi.schemas(),
                                   **results_openapi.schemas()}},
    }
