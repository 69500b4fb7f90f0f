"""Helpers shared by tests (fixtures live in conftest.py)."""
import re
from html.parser import HTMLParser
from datetime import datetime

from flask import has_app_context

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from fis_events.extensions import db
from fis_events.i18n import ROME

PASSWORD = "una-password-lunga"


def csrf_from(response):
    """The CSRF token of the first form on a page, as a browser would send it back."""
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', response.data)
    return match.group(1).decode() if match else None


def empty_tables():
    """Delete every row, children first (in an app context)."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def saved_organisation(name="Comune di Bergamo", kind=None):
    """An organisation found or created by the service, committed (a municipality by default)."""
    from fis_events.programme.services import find_or_create_organisation
    from fis_events.programme.models import OrganisationKind

    organisation = find_or_create_organisation(name, kind or OrganisationKind.COMUNE_CAPOLUOGO)
    db.session.commit()
    return organisation


def rome(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=ROME)


DOC_URI = "urn:fis-events:openapi"


def openapi_validator(doc, pointer):
    """A validator for the schema at `pointer` inside the OpenAPI document, $refs resolved there."""
    resource = Resource.from_contents(doc, default_specification=DRAFT202012)
    registry = Registry().with_resource(DOC_URI, resource)
    return Draft202012Validator({"$ref": f"{DOC_URI}#{pointer}"}, registry=registry)


def validate_response(doc, path, response):
    """Check a real answer against the schema the document declares for that path and status."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = (f"/paths/{escaped}/get/responses/{response.status_code}"
               "/content/application~1json/schema")
    openapi_validator(doc, pointer).validate(response.get_json())


def commit_test_work():
    """A test is the boundary of the work it does itself through the services (which never
    commit): it commits it before a request, a thread or a server has to see it."""
    if has_app_context():
        db.session.commit()


class _FormValues(HTMLParser):
    """What a browser would send back from each form of a page: inputs (ticked boxes only),
    text areas and the selected options (the first one of a select without one)."""

    def __init__(self):
        super().__init__()
        self.forms, self.values, self.in_form = [], {}, False
        self.textarea, self.select, self.first_option = None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form, self.values = True, {}
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and (attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs):
            if attrs.get("type") != "submit":
                self.values.setdefault(attrs["name"], []).append(attrs.get("value", "y"))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.values[self.textarea] = [""]
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None if "multiple" in attrs else ""
        elif tag == "option" and self.select:
            if self.first_option == "":
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.values.setdefault(self.select, []).append(attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.values[self.textarea][0] = self.values[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            if self.select not in self.values and self.first_option is not None:
                self.values[self.select] = [self.first_option]  # what a browser sends
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            self.forms.append(self.values)


def form_values(response, **overrides):
    """The page's main form (the one with most fields, not the log-out button) as a browser
    would post it back, with `overrides` typed in (None unticks a box)."""
    parser = _FormValues()
    parser.feed(response.get_data(as_text=True))
    main = max(parser.forms, key=len)
    values = {name: v if len(v) > 1 else v[0] for name, v in main.items()}
    values.update(overrides)
    return {name: v for name, v in values.items() if v is not None}


def log_in_browser(page, email):
    """A staff member logs in through the browser's log-in page."""
    page.goto("/accesso")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Accedi").click()
