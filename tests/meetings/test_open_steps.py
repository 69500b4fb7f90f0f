"""Open next steps on each organisation's page, overdue ones on the organisers' dashboard."""
from datetime import timedelta

from support import commit_test_work

from fis_events.db_types import utcnow
from fis_events.events.models import EventKind
from fis_events.meetings import services
from fis_events.programme.models import OrganisationKind
from fis_events.programme.services import find_or_create_organisation, today


def past_meeting(make_event, title, days_ago):
    start = utcnow() - timedelta(days=days_ago)
    return make_event(title=title, kind=EventKind.SUPPORT_MEETING, starts_at=start,
                      ends_at=start + timedelta(hours=2))


def steps(make_event, organisation, n, overdue=True, tag=""):
    """n next steps of `organisation`, each at its own meeting, due yesterday (or in a week)."""
    made = []
    for i in range(n):
        event = past_meeting(make_event, f"Incontro {tag}{i}", 30 + i)
        due = today() - timedelta(days=1) if overdue else today() + timedelta(days=7)
        made.append(services.add_next_step(event, text=f"Passo {tag}{i}", organisation=organisation,
                                           due_on=due))
    commit_test_work()
    return made


def test_an_organisation_page_lists_its_open_next_steps(client, auth, make_event):
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    formez = find_or_create_organisation("Formez", OrganisationKind.FORMEZ)
    late, = steps(make_event, bergamo, 1, tag="scaduto ")
    coming, = steps(make_event, bergamo, 1, overdue=False, tag="in corso ")
    done, = steps(make_event, bergamo, 1, overdue=False, tag="fatto ")
    steps(make_event, formez, 1, tag="altrui ")
    services.set_done(done, True)
    commit_test_work()
    auth.login()
    page = client.get(f"/gestione/organizzazioni/{bergamo.id}").get_data(as_text=True)
    assert "Prossimi passi aperti" in page
    assert "Passo scaduto 0" in page and "Passo in corso 0" in page
    assert "Passo fatto 0" not in page and "Passo altrui 0" not in page
    assert page.count("overdue-step") == 1 and "Scaduto" in page
    assert f'href="/gestione/eventi/{late.record.event_id}/verbale#next-steps"' in page
    assert "Incontro in corso 0" in page
    empty = client.get(f"/gestione/organizzazioni/{formez.id}").get_data(as_text=True)
    assert "Passo altrui 0" in empty


def test_the_organisation_page_queries_do_not_grow_with_the_steps(client, auth, make_event,
                                                                 count_queries):
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    steps(make_event, bergamo, 1, tag="a")
    auth.login()

    def queries():
        with count_queries() as counter:
            assert client.get(f"/gestione/organizzazioni/{bergamo.id}").status_code == 200
        return counter.count

    few = queries()
    steps(make_event, bergamo, 5, tag="b")
    assert queries() == few


def test_the_dashboard_flags_overdue_next_steps(client, auth, make_event, count_queries):
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    auth.login()
    assert "overdue-steps" not in client.get("/gestione/cruscotto").get_data(as_text=True)
    late = steps(make_event, bergamo, 7)
    steps(make_event, bergamo, 2, overdue=False, tag="futuro ")
    services.set_done(late[0], True)
    commit_test_work()
    with count_queries() as counter:
        page = client.get("/gestione/cruscotto").get_data(as_text=True)
    assert "6 prossimi passi scaduti" in page
    assert page.count('class="overdue-step"') == 5  # the first few, each a link to its record
    assert f'/gestione/eventi/{late[1].record.event_id}/verbale#step-{late[1].id}' in page
    assert "Passo futuro" not in page and "Passo 0" not in page
    overdue_queries = [s for s in counter.statements if "next_step" in s]
    assert len(overdue_queries) == 1


def test_a_step_due_today_is_not_overdue(make_event):
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    event = past_meeting(make_event, "Incontro", 3)
    services.add_next_step(event, text="Oggi", organisation=bergamo, due_on=today())
    commit_test_work()
    assert services.overdue_steps(5) == ([], 0)
    assert services.overdue_steps(5, on=today() + timedelta(days=1))[1] == 1
