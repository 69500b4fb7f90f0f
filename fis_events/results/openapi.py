"""The results part of the OpenAPI document: public programme totals."""
from ..events.models import EventKind
from ..programme.models import OrganisationKind, ProgrammeStage
from .services import ENGLISH_NAMES

INTEGER = {"type": "integer", "minimum": 0}
DATE = {"type": "string", "format": "date"}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties, required=None):
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": list(required if required is not None else properties)}


def _nullable(schema):
    return {"oneOf": [schema, {"type": "null"}]}


def _feedback(**more):
    """Aggregates of the anonymous questionnaires; averages are null below the threshold."""
    average = _nullable({"type": "number", "minimum": 1, "maximum": 5})
    return _object({"invited": INTEGER, "answers": INTEGER,
                    "response_rate": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
                    "average_satisfaction": average, "average_usefulness": average, **more})


def schemas():
    group = _object({"participants": INTEGER, "participations": INTEGER})
    return {"ProgrammeResults": _object({
        "programme": _object({"code": {"type": "string"}, "name": {"type": "string"}}),
        "scope": _object({"phase": _nullable({"type": "string"}), "from": _nullable(DATE),
                          "to": _nullable(DATE), "kind": _nullable({"type": "string"}),
                          "organisation_kind": _nullable({"type": "string"})}),
        "computed_at": {"type": "string", "format": "date-time",
                        "description": "Quando le cifre sono state contate (al massimo pochi minuti fa)."},
        "counting_rules": {"type": "array", "items": {"type": "string"}},
        "events": INTEGER,
        "registrations": _object({"confirmed": INTEGER, "waiting": INTEGER, "cancelled": INTEGER}),
        "attendances": _object({"in_person": INTEGER, "remote": INTEGER, "total": INTEGER}),
        "no_shows": _object({"count": INTEGER, "expected": INTEGER,
                             "rate": _nullable({"type": "number", "minimum": 0, "maximum": 1})}),
        "participants": _object({
            "distinct": INTEGER, "phase_sum": INTEGER,
            "by_group": _object({"comuni": group, "partenariato": group, "non_indicata": group})}),
        "phases": {"type": "array", "items": _object({
            "code": {"type": "string"}, "name": {"type": "string"},
            "label_in_results": _nullable({"type": "string"}), "participants": INTEGER,
            "participations": INTEGER, "support_meetings_held": INTEGER})},
        "support_meetings_held": INTEGER,
        "pipeline": _object({stage.value: INTEGER for stage in ProgrammeStage}, required=[]),
        "feedback": _feedback(
            minimum_answers={"type": "integer", "minimum": 1,
                             "description": "Sotto questo numero di risposte le medie sono null."},
            phases={"type": "array", "items": _feedback(code={"type": "string"})}),
    })}


#: schema and meaning of each filter, by its API name (services.ENGLISH_NAMES)
FILTERS = {
    "from": (DATE, "Solo gli eventi che iniziano da questo giorno (ora di Roma)."),
    "to": (DATE, "Solo gli eventi che iniziano entro questo giorno."),
    "kind": ({"type": "string", "enum": [k.value for k in EventKind]}, "Solo gli eventi di questo tipo."),
    "organisation_kind": ({"type": "string", "enum": [k.value for k in OrganisationKind]},
                          "Solo i partecipanti che rappresentavano un ente di questo tipo."),
}


def paths():
    def parameter(name, schema, description):
        return {"name": name, "in": "query", "required": False, "schema": schema,
                "description": description}

    error = {"description": "", "content": {"application/json": {"schema": _ref("Error")}}}
    return {"/programmes/{code}/results": {"get": {
        "operationId": "programmeResults",
        "summary": "Le cifre di un programma, calcolate dalle presenze (dati aperti)",
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "Codice del programma (maiuscole e minuscole non contano: fis = FIS)."},
            parameter("phase", {"type": "string"}, "Solo gli eventi di questa fase (codice)."),
            *(parameter(name, *FILTERS[name]) for name in ENGLISH_NAMES),
            # the same filters under the names of the organisers' dashboard
            *(parameter(dashboard, FILTERS[name][0], f"Come «{name}» (il nome usato nel cruscotto).")
              for name, dashboard in ENGLISH_NAMES.items()),
        ],
        "responses": {
            "200": {"description": "Le cifre.",
                    "content": {"application/json": {"schema": _ref("ProgrammeResults")}}},
            "400": {**error, "description": "Valore non valido per un parametro."},
            "422": {**error, "description": "Parametro sconosciuto (code: unknown_parameter): non "
                                            "viene mai ignorato."},
            "404": {**error, "description": "Programma inesistente."},
        },
    }}}
