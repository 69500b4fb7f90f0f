"""Rules for events and agendas, through the service functions every entry point uses."""
from datetime import timedelta

import pytest


from fis_events.errors import DomainError
from fis_events.events import services
from fis_events.events.models import AgendaItemKind, EventStatus, Speaker
from fis_events.extensions import db
from fis_events.programme.models import Phase, Programme
from support import commit_test_work


def test_end_must_follow_start(make_event):
    event = make_event()
    with pytest.raises(DomainError) as error:
        services.save_event(event, ends_at=event.starts_at)
    assert error.value.field == "ends_at"
    db.session.refresh(event)
    assert event.ends_at > event.starts_at


def test_at_least_one_attendance_mode(make_event):
    with pytest.raises(DomainError) as error:
        make_event(offers_in_person=False, offers_remote=False)
    assert error.value.field == "offers_in_person"


@pytest.mark.parametrize("url", ["http://zoom.us/j/1", "zoom.us/j/1", "https://", "javascript:alert(1)",
                                 "https://teams microsoft.com"])
def test_remote_link_must_be_https(make_event, url):
    with pytest.raises(DomainError) as error:
        make_event(offers_remote=True, remote_url=url)
    assert error.value.field == "remote_url"


def test_registration_window_rules(make_event):
    event = make_event()
    with pytest.raises(DomainError):
        services.save_event(event, registration_opens_at=event.starts_at,
                            registration_closes_at=event.starts_at - timedelta(days=1))
    with pytest.raises(DomainError):
        services.save_event(event, registration_closes_at=event.ends_at + timedelta(hours=1))
    services.save_event(event, registration_closes_at=event.starts_at - timedelta(hours=1))


def test_phase_belongs_to_programme(make_event):
    fis = Programme(code="FIS", name="FIS")
    other = Programme(code="ALT", name="Altro")
    fis.phases.append(Phase(code="feasibility", name="Fattibilità"))
    db.session.add_all([fis, other])
    db.session.commit()
    event = make_event(phase=fis.phases[0])
    assert event.programme is fis  # a phase implies its programme
    with pytest.raises(DomainError) as error:
        services.save_event(event, programme=other)
    assert error.value.field == "phase"


def test_untimed_items_follow_and_times_stay_inside_event(make_event):
    event = make_event()
    first = services.add_agenda_item(event, "Registrazione", AgendaItemKind.REGISTRATION,
                                     starts_at=event.starts_at)
    follow = services.add_agenda_item(event, "Tavola rotonda", AgendaItemKind.PANEL)
    assert [i.id for i in event.agenda_items] == [first.id, follow.id]
    assert follow.starts_at is None
    with pytest.raises(DomainError) as error:
        services.add_agenda_item(event, "Troppo presto", AgendaItemKind.TALK,
                                 starts_at=event.starts_at - timedelta(minutes=1))
    assert error.value.field == "start_time"
    with pytest.raises(DomainError) as error:
        services.add_agenda_item(event, "Al contrario", AgendaItemKind.TALK,
                                 starts_at=event.starts_at + timedelta(hours=1),
                                 ends_at=event.starts_at + timedelta(minutes=30))
    assert error.value.field == "end_time"
    with pytest.raises(DomainError):
        services.add_agenda_item(event, "   ", AgendaItemKind.TALK)
    assert len(event.agenda_items) == 2


def test_event_times_cannot_strand_agenda_items(make_event):
    event = make_event()
    services.add_agenda_item(event, "Conclusioni", AgendaItemKind.CONCLUSIONS,
                             starts_at=event.ends_at - timedelta(minutes=30))
    with pytest.raises(DomainError):
        services.save_event(event, ends_at=event.ends_at - timedelta(hours=1))


def test_reorder_and_delete_keep_positions_dense(make_event):
    event = make_event()
    a, b, c = (services.add_agenda_item(event, t, AgendaItemKind.TALK) for t in "ABC")
    services.move_agenda_item(c, -1)
    assert [i.title for i in event.agenda_items] == ["A", "C", "B"]
    services.move_agenda_item(a, -1)  # already first: nothing moves
    assert [i.title for i in event.agenda_items] == ["A", "C", "B"]
    services.delete_agenda_item(c)
    assert [(i.title, i.position) for i in event.agenda_items] == [("A", 0), ("B", 1)]


def test_speakers_are_reused_across_events_with_their_own_remote_flag(make_event):
    one, two = make_event(title="Uno"), make_event(title="Due")
    item1 = services.add_agenda_item(one, "Intervento", AgendaItemKind.TALK)
    item2 = services.add_agenda_item(two, "Intervento", AgendaItemKind.TALK)
    services.add_speaker(item1, "Niccolò D'Angelo", "Assessore", "Comune di Catanzaro", remote=True)
    services.add_speaker(item2, " Niccolò  D'Angelo ", "Assessore", "Comune di Catanzaro", remote=False)
    assert db.session.scalar(db.select(db.func.count(Speaker.id))) == 1
    assert item1.speaker_links[0].remote and not item2.speaker_links[0].remote
    assert services.speaker_line(item1.speaker_links[0]) == \
        "Niccolò D'Angelo, Assessore, Comune di Catanzaro (in collegamento)"
    with pytest.raises(DomainError):
        services.add_speaker(item1, "Niccolò D'Angelo", "Assessore", "Comune di Catanzaro")


def test_speaker_order_and_removal(make_event):
    item = services.add_agenda_item(make_event(), "Panel", AgendaItemKind.PANEL)
    for name in ("Anna", "Bruno", "Carla"):
        services.add_speaker(item, name)
    services.move_speaker(item.speaker_links[2], -1)
    assert [l.speaker.name for l in item.speaker_links] == ["Anna", "Carla", "Bruno"]
    services.remove_speaker(item.speaker_links[0])
    assert [(l.speaker.name, l.position) for l in item.speaker_links] == [("Carla", 0), ("Bruno", 1)]


def test_the_calendar_sequence_rises_once_for_each_change_participants_see(make_event):
    event = make_event()
    seen = [event.sequence]

    def change(action):
        action()
        commit_test_work()  # one unit of work per change, as one request each
        seen.append(event.sequence)

    item = services.add_agenda_item(event, "Intervento", AgendaItemKind.TALK)
    commit_test_work()
    change(lambda: services.save_event(event, title="Nuovo titolo", description="Corretto"))
    change(lambda: services.add_speaker(item, "Anna"))
    change(lambda: services.publish_event(event))
    change(lambda: services.save_event(event, capacity_in_person=30))
    assert seen == [0] * 5, seen  # nothing a participant must act on
    change(lambda: services.save_event(event, ends_at=event.ends_at + timedelta(hours=1)))
    change(lambda: services.save_event(event, venue="Sala Verdi", city="Genova"))
    change(lambda: services.save_event(event, offers_remote=True, remote_url="https://meet.jit.si/x"))
    change(lambda: services.save_event(event, remote_url="https://meet.jit.si/y"))
    change(lambda: services.cancel_event(event))
    assert seen[5:] == [1, 2, 3, 4, 5], seen


def test_status_transitions(make_event):
    event = make_event()
    with pytest.raises(DomainError):
        services.unpublish_event(event)
    services.publish_event(event)
    assert event.status is EventStatus.PUBLISHED
    services.unpublish_event(event)
    services.cancel_event(event)
    with pytest.raises(DomainError):
        services.publish_event(event)
    with pytest.raises(DomainError):
        services.cancel_event(event)


def test_public_events_upcoming_and_past(make_event):
    upcoming = make_event(title="Futuro")
    past_start = upcoming.starts_at - timedelta(days=30)
    past = make_event(title="Passato", starts_at=past_start, ends_at=past_start + timedelta(hours=2))
    draft = make_event(title="Bozza")
    for event in (upcoming, past):
        services.publish_event(event)
    assert services.public_events("upcoming") == [upcoming]
    assert services.public_events("past") == [past]
    assert draft not in services.public_events("all")
