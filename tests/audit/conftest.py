from datetime import date
from types import SimpleNamespace

import pytest

from fis_events.accounts.models import User
from fis_events.audit_record import AuditEntry
from fis_events.checkin import services as checkin
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind
from fis_events.extensions import db
from fis_events.programme import services as programme
from fis_events.programme.models import OrganisationKind, Programme, ProgrammeStage
from fis_events.registration.models import AttendanceMode
from support import csrf_from


@pytest.fixture
def log(app_ctx):
    """The audit entries written so far (read afresh), oldest first, optionally after an id."""

    def read(after=0, **where):
        db.session.expire_all()
        return db.session.scalars(db.select(AuditEntry).filter_by(**where)
                                  .where(AuditEntry.id > after).order_by(AuditEntry.id)).all()

    return read


def user_named(email):
    return db.session.scalar(db.select(User).filter_by(email=email))


@pytest.fixture
def scene(app, client, auth, today_event, enrol):
    """An admin logged in, and one of everything the organisers' pages change: an event happening
    now (two in-person seats, both taken, one person waiting; remote without limit) with an agenda
    item and its speaker, an organisation with a programme stage, door staff, a paired phone."""
    event = today_event(title="Laboratorio di co-progettazione", capacity_in_person=2)
    item = events.add_agenda_item(event, "Apertura dei lavori", AgendaItemKind.TALK)
    link = events.add_speaker(item, "Cinzia Di Fenza", "Responsabile del progetto", "Formez")
    anna = enrol(event, "Anna", "Rossi", organisation="Comune di Bergamo")
    bruno = enrol(event, "Bruno", "Verdi")
    waiting = enrol(event, "Carla", "Neri")
    giulia = enrol(event, "Giulia", "Romano", mode=AttendanceMode.REMOTE,
                   email="giulia.romano@example.org")
    fis = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale")
    db.session.add(fis)
    bergamo = anna.person.organisation
    bergamo.kind = OrganisationKind.COMUNE_CAPOLUOGO
    db.session.commit()
    stage = programme.record_stage(bergamo, fis, ProgrammeStage.APPLIED, date(2022, 3, 1))
    staff = user_named(auth.user("door_staff"))
    device, _secret = checkin.pair_device(checkin.create_pairing(event), "Porta 2")
    auth.login("admin")
    return SimpleNamespace(
        client=client, token=csrf_from(client.get("/")), admin=user_named(auth.user("admin")),
        event=event, item=item, link=link, anna=anna, bruno=bruno, waiting=waiting, giulia=giulia,
        fis=fis, bergamo=bergamo, stage=stage, staff=staff, device=device)
