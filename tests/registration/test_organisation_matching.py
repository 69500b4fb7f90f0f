"""The registration form attaches people to the organisation they mean, however they type it."""
import html

import pytest

from fis_events.extensions import db
from fis_events.programme.models import Organisation, OrganisationAlias, OrganisationKind
from fis_events.registration.models import Person
from fis_events.search import organisation_key
from support import csrf_from, saved_organisation


def register(client, event, organisation, kind=None, email="anna@example.org"):
    url = f"/eventi/{event.id}/iscrizione"
    data = {"csrf_token": csrf_from(client.get(url)), "first_name": "Anna", "last_name": "Rossi",
            "email": email, "organisation": organisation, "mode": "in_person",
            "privacy_notice": "y"}
    if kind:
        data["organisation_kind"] = kind
    return client.post(url, data=data)


def organisations():
    db.session.expire_all()
    return db.session.scalars(db.select(Organisation).order_by(Organisation.id)).all()


@pytest.mark.parametrize("typed", ["comune di  bergamo ", "COMUNE DI BERGAMO", "Comune Bergamo",
                                   "Bergamo", "016024"])
def test_a_known_organisation_however_typed(client, open_event, typed):
    bergamo = saved_organisation("Comune di Bergamo")
    bergamo.istat_code = "016024"
    db.session.commit()
    event = open_event()
    # the kind a participant picks does not override the known organisation's
    assert register(client, event, typed, kind="altro").status_code == 302
    assert organisations() == [bergamo] and bergamo.kind is OrganisationKind.COMUNE_CAPOLUOGO
    assert db.session.scalar(db.select(Person)).organisation == bergamo


def test_the_form_offers_known_organisations_by_name_code_and_merged_name(client, open_event):
    bergamo = saved_organisation("Comune di Bergamo")
    bergamo.istat_code = "016024"
    db.session.add_all([OrganisationAlias(organisation=bergamo, name="Municipio di Bergamo",
                                          match_key=organisation_key("Municipio di Bergamo")),
                        Organisation(name="Cooperativa Alfa", kind=OrganisationKind.TERZO_SETTORE)])
    db.session.commit()
    page = client.get(f"/eventi/{open_event().id}/iscrizione").get_data(as_text=True)
    assert 'list="known-organisations"' in page
    for option in ('<option value="Comune di Bergamo" label="016024">',
                   '<option value="Comune di Bergamo" label="Municipio di Bergamo">',
                   '<option value="Cooperativa Alfa">'):
        assert option in page
    assert "da_classificare" not in page


def test_a_new_organisation_waits_to_be_classified(client, auth, open_event):
    event = open_event()
    assert register(client, event, "Comune di Bèrgamo Alta").status_code == 422
    assert organisations() == []
    assert register(client, event, "Comune di Bèrgamo Alta", kind="comune_capoluogo").status_code == 302
    assert register(client, event, "COMUNE BERGAMO ALTA", email="bruno@example.org").status_code == 302
    [new] = organisations()
    assert (new.kind, new.declared_kind) == (OrganisationKind.UNCLASSIFIED, OrganisationKind.COMUNE_CAPOLUOGO)
    auth.login()
    page = client.get("/gestione/organizzazioni", query_string={"tipo": "da_classificare"})
    assert "Comune di Bèrgamo Alta" in page.get_data(as_text=True)
    page = html.unescape(client.get(f"/gestione/organizzazioni/{new.id}").get_data(as_text=True))
    assert "non ancora classificato" in page and "l'ha indicato come «Comune capoluogo»" in page
