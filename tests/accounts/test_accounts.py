"""Staff accounts: login, roles, the users CLI, password storage."""
from support import PASSWORD, csrf_from
from fis_events.accounts.models import Role, User
from fis_events.accounts.services import authenticate, create_user
from fis_events.errors import DomainError
from fis_events.extensions import db

import pytest


def test_passwords_are_hashed_with_a_modern_scheme(app_ctx):
    user = create_user("Anna.Rossi@Example.org ", "Anna Rossi", PASSWORD, Role.ORGANISER)
    assert user.email == "anna.rossi@example.org"
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert authenticate("ANNA.ROSSI@example.org", PASSWORD) == user
    assert authenticate("anna.rossi@example.org", "sbagliata-davvero") is None
    assert authenticate("nessuno@example.org", PASSWORD) is None


@pytest.mark.parametrize("email,password,field,name", [
    ("non-una-email", PASSWORD, "email", "X"),
    ("a@example.org", "corta", "password", "X"),
    ("a@example.org", "x" * 129, "password", "X"),
    ("a@example.org", "password123", "password", "X"),
    ("a@example.org", "qwertyuiop", "password", "X"),
    ("anna.rossi@example.org", "annarossi2023", "password", "X"),  # her e-mail and a year
    ("a@example.org", "GiuseppeVerdi1980", "password", "Giuseppe Verdi"),  # her name and a year
])
def test_create_user_rules(app_ctx, email, password, field, name):
    with pytest.raises(DomainError) as error:
        create_user(email, name, password, Role.ORGANISER)
    assert error.value.field == field


def test_long_unusual_passphrases_are_welcome(app_ctx):
    user = create_user("b@example.org", "B", "ciliegie sul tetto di Genova", Role.ORGANISER)
    assert authenticate("b@example.org", "ciliegie sul tetto di Genova") == user


def test_duplicate_user_is_refused(app_ctx):
    create_user("a@example.org", "A", PASSWORD, Role.ADMIN)
    with pytest.raises(DomainError):
        create_user("A@example.org", "A", PASSWORD, Role.ADMIN)


def test_cli_creates_users(runner, app_ctx):
    result = runner.invoke(args=["users", "create", "--email", "porta@example.org", "--name",
                                 "Mario Porta", "--role", "door_staff", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="porta@example.org"))
    assert user.role is Role.DOOR_STAFF
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                 "--password", "breve"])
    assert result.exit_code != 0
    assert "almeno 10 caratteri" in result.output


def test_login_and_logout(client, auth):
    auth.user("organiser")
    page = client.get("/accesso")
    response = client.post("/accesso", data={"email": "organiser@example.org", "password": "sbagliata",
                                              "csrf_token": csrf_from(page)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "E-mail o password non corretti." in body
    assert 'value="organiser@example.org"' in body  # what was typed is kept
    response = auth.login("organiser")
    assert response.status_code == 302 and response.location.endswith("/gestione/cruscotto")
    assert client.get("/gestione/").status_code == 200
    assert client.get("/uscita").status_code == 405  # logging out changes state: POST only
    auth.logout()
    assert client.get("/gestione/").status_code == 302


def test_unknown_account_gets_the_same_answer(client, auth):
    page = client.get("/accesso")
    response = client.post("/accesso", data={"email": "nessuno@example.org", "password": "qualcosa",
                                              "csrf_token": csrf_from(page)})
    assert "E-mail o password non corretti." in response.get_data(as_text=True)


def test_login_redirects_only_inside_the_site(client, auth):
    email = auth.user("organiser")
    page = client.get("/accesso")
    response = client.post("/accesso?next=https://evil.example/", data={
        "email": email, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert response.location.endswith("/gestione/cruscotto")


def test_door_staff_land_on_their_door_page(client, auth):
    response = auth.login("door_staff")
    assert response.location.endswith("/ingresso/")
    assert 'href="/ingresso/"' in client.get(response.location).get_data(as_text=True)  # header link


def test_inactive_user_cannot_log_in(client, auth, app_ctx):
    email = auth.user("organiser")
    db.session.scalar(db.select(User).filter_by(email=email)).active = False
    db.session.commit()
    response = auth.login("organiser")
    assert response.status_code == 422
