"""The check-in part of the OpenAPI document: door staff, organisers and paired devices only."""
from .results import DECISIONS

DATETIME = {"type": "string", "format": "date-time"}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


COMMON_ERRORS = {
    "400": _json("Richiesta non valida: corpo non JSON o non un oggetto, token CSRF della sessione "
                 "mancante, un NUL nell'indirizzo.", _ref("Error")),
    "401": _json("Serve l'accesso (personale o dispositivo abbinato).", _ref("Error")),
    "403": _json("Non abilitato all'ingresso di questo evento.", _ref("Error")),
    "404": _json("Evento o iscrizione inesistente.", _ref("Error")),
}
EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def schemas():
    mode_counts = {"type": "object", "required": ["checked_in", "expected"], "properties": {
        "checked_in": {"type": "integer"}, "expected": {"type": "integer"}}}
    scan_request = {"type": "object", "required": ["payload", "nonce"], "properties": {
        "payload": {"type": "string", "description": "Il testo letto dal codice QR."},
        "nonce": {"type": "string", "minLength": 1, "maxLength": 64,
                  "description": "Scelto dal client per ogni tentativo: ripetere la richiesta non "
                                 "crea una seconda scansione."},
        "client_time": {**DATETIME, "description": "Quando il telefono ha letto il codice."},
        "door": {"type": "string", "maxLength": 50, "description": "Es. «Porta 2»."}}}
    scan_result = {"type": "object", "required": ["result", "message", "replayed", "scan_id"],
                   "properties": {
                       "result": {"type": "string", "enum": [result.value for result in DECISIONS]},
                       "message": {"type": "string"},
                       "replayed": {"type": "boolean"},
                       "scan_id": {"type": "integer"},
                       "nonce": {"type": ["string", "null"]},
                       "person": {"type": "object", "properties": {
                           "registration_id": {"type": "integer"}, "name": {"type": "string"},
                           "organisation": {"type": ["string", "null"]}, "mode": {"type": "string"}}},
                       "previous": {"type": "object", "properties": {
                           "at": DATETIME, "door": {"type": ["string", "null"]}}},
                       "other_event": {"type": "object", "properties": {
                           "id": {"type": "integer"}, "title": {"type": "string"}, "starts_at": DATETIME}},
                       "counts": _ref("CheckinCounts")}}
    return {
        "CheckinCounts": {"type": "object", "required": ["in_person", "remote"],
                          "properties": {"in_person": mode_counts, "remote": mode_counts}},
        "ScanRequest": scan_request,
        "ScanResult": scan_result,
        "SyncRequest": {"type": "object", "required": ["scans"], "properties": {
            "scans": {"type": "array", "maxItems": 1000, "items": _ref("ScanRequest")}}},
        "SyncResult": {"type": "object", "required": ["results", "counts"], "properties": {
            "results": {"type": "array", "items": _ref("ScanResult")}, "counts": _ref("CheckinCounts")}},
        "RegistrationRef": {"type": "object", "required": ["registration_id"], "properties": {
            "registration_id": {"type": "integer"}, "nonce": {"type": "string", "minLength": 1, "maxLength": 64},
            "door": {"type": "string", "maxLength": 50}}},
        "WalkIn": {"type": "object", "required": ["first_name", "last_name", "mode"], "properties": {
            "first_name": {"type": "string", "minLength": 1, "maxLength": 100},
            "last_name": {"type": "string", "minLength": 1, "maxLength": 100},
            "email": {"type": "string", "format": "email", "maxLength": 254, "description": (
                "Facoltativa: senza, la persona è quella dello stesso nome ed ente senza e-mail "
                "(come nel registro delle presenze), e non riceve e-mail.")},
            "mode": {"type": "string", "enum": ["in_person", "remote"]},
            "organisation": {"type": "string", "maxLength": 200}, "role": {"type": "string", "maxLength": 200},
            "override": {"type": "boolean", "description": "Solo organizzatori: entra anche a posti esauriti."},
            "door": {"type": "string", "maxLength": 50}}},
        "SearchResults": {"type": "object", "required": ["results"], "properties": {"results": {
            "type": "array", "items": {"type": "object", "properties": {
                "registration_id": {"type": "integer"}, "name": {"type": "string"},
                "organisation": {"type": ["string", "null"]}, "email": {"type": ["string", "null"]},
                "mode": {"type": "string"}, "status": {"type": "string"},
                "checked_in_at": {"type": ["string", "null"], "format": "date-time"}}}}}},
        "OfflineData": {"type": "object", "required": ["event", "key", "generated_at", "entries"],
                        "properties": {
                            "event": {"type": "object"}, "key": {"type": "string",
                                                                 "description": "Chiave HMAC-SHA256 (esadecimale) degli hash."},
                            "generated_at": DATETIME,
                            "entries": {"type": "array", "items": {"type": "object", "properties": {
                                "h": {"type": "string", "description": "HMAC del codice, mai il codice."},
                                "id": {"type": "integer"}, "name": {"type": "string"},
                                "organisation": {"type": ["string", "null"]}, "mode": {"type": "string"},
                                "status": {"type": "string"},
                                "checked_in_at": {"type": ["string", "null"], "format": "date-time"}}}}}},
    }


def _operation(operation_id, summary, responses, request=None, parameters=()):
    operation = {"operationId": operation_id, "summary": summary, "tags": ["ingresso"],
                 "parameters": [EVENT_ID, *parameters], "responses": {**responses, **COMMON_ERRORS}}
    if request:
        operation["requestBody"] = _body(_ref(request))
    return operation


def paths():
    base = "/events/{event_id}/checkin"
    invalid = {"422": _json("Dati non validi.", _ref("Error"))}
    return {
        f"{base}/scan": {"post": _operation("scan", "Decide una scansione all'ingresso", {
            "200": _json("L'esito, con il motivo.", _ref("ScanResult")), **invalid}, "ScanRequest")},
        f"{base}/sync": {"post": _operation("syncScans", "Invia le scansioni fatte offline", {
            "200": _json("Gli esiti, nell'ordine in cui sono state fatte.", _ref("SyncResult")),
            "422": _json("Una scansione non valida (senza nonce, orario illeggibile): le precedenti "
                         "restano decise e, inviate di nuovo, danno la stessa risposta.",
                         _ref("Error"))}, "SyncRequest")},
        f"{base}/search": {"get": _operation("searchRegistrations", "Cerca per nome, e-mail o ente", {
            "200": _json("Fino a 20 iscrizioni.", _ref("SearchResults")), **invalid},
            parameters=[{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}])},
        f"{base}/counts": {"get": _operation("checkinCounts", "Entrati / attesi per modalità", {
            "200": _json("I conteggi.", _ref("CheckinCounts"))})},
        f"{base}/manual": {"post": _operation("manualCheckin", "Fa entrare un iscritto trovato con la ricerca", {
            "200": _json("L'esito.", _ref("ScanResult")), **invalid}, "RegistrationRef")},
        f"{base}/undo": {"post": _operation("undoCheckin", "Annulla un ingresso registrato per errore", {
            "200": _json("Fatto.", {"type": "object"}), **invalid}, "RegistrationRef")},
        f"{base}/walk-in": {"post": _operation("walkIn", "Iscrive e fa entrare chi arriva senza iscrizione", {
            "200": _json("L'esito.", _ref("ScanResult")), **invalid}, "WalkIn")},
        f"{base}/offline": {"get": _operation("offlineData", "I dati per lavorare senza rete", {
            "200": _json("Hash dei codici, nomi, enti, modalità, stato e ingressi.", _ref("OfflineData"))})},
    }
