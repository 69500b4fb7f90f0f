from types import SimpleNamespace

import pytest
from support import commit_test_work, csrf_from

from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.programme.models import OrganisationKind
from fis_events.programme.services import find_or_create_organisation
from fis_events.registration import services as registrations


@pytest.fixture
def meeting(app, client, auth, today_event, enrol):
    """An organiser logged in, and a support meeting happening now: two registrants (Anna of
    Comune di Bergamo, Bruno), a cancelled registration, an invited known person (Carla, no
    registration) and an invited address nobody has yet."""
    event = today_event(title="Incontro di supporto - Comune di Bergamo", kind=EventKind.SUPPORT_MEETING,
                        invitation_only=True, venue="Sede del Comune", city="Bergamo")
    anna = enrol(event, "Anna", "Rossi", organisation="Comune di Bergamo",
                 email="anna.rossi@example.org")
    bruno = enrol(event, "Bruno", "Verdi", email="bruno.verdi@example.org")
    gone = enrol(event, "Dario", "Gialli", email="dario.gialli@example.org")
    registrations.cancel(gone)
    carla = registrations.find_or_create_person("Carla", "Neri", "carla.neri@example.org",
                                                find_or_create_organisation("Formez", OrganisationKind.FORMEZ))
    invitations, _registered = registrations.invite(
        event, ["carla.neri@example.org", "nuovo.invitato@example.org"])
    bergamo = anna.person.organisation
    bergamo.kind = OrganisationKind.COMUNE_CAPOLUOGO
    commit_test_work()
    auth.login("organiser")
    token = csrf_from(client.get("/"))
    return SimpleNamespace(
        client=client, token=token, event=event, anna=anna, bruno=bruno, gone=gone, carla=carla,
        bergamo=bergamo, unknown=invitations[1], url=f"/gestione/eventi/{event.id}/verbale",
        post=lambda url, **data: client.post(url, data={"csrf_token": token, **data}))


@pytest.fixture
def rows():
    """Every row of a model, read afresh, in the order they were added (PostgreSQL returns an
    unordered select in any order)."""
    def read(model):
        db.session.expire_all()
        return db.session.scalars(
            db.select(model).order_by(*model.__table__.primary_key.columns)).all()
    return read
