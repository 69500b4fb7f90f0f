"""A staff session ends on the server: a copy of the cookie taken before "Esci", before a new
password or before the account was disabled is refused afterwards."""
from fis_events.accounts.models import User
from fis_events.audit_record import AuditEntry
from fis_events.extensions import db
from support import PASSWORD, csrf_from

NEW_PASSWORD = "gabbiani sopra il porto antico"


def session_cookie(client):
    return client.get_cookie("session").value


def client_with(app, cookie):
    """Another browser holding a copy of the cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def is_logged_in(client):
    return client.get("/gestione/").status_code == 200


def test_logging_out_ends_the_session_for_every_copy_of_the_cookie(app, client, auth):
    auth.login("organiser")
    stolen = session_cookie(client)
    assert is_logged_in(client_with(app, stolen))
    auth.logout()
    assert not is_logged_in(client_with(app, stolen))
    assert client_with(app, stolen).get("/gestione/").location.startswith("/accesso")


def change_password(client, current, new):
    token = csrf_from(client.get("/password"))
    return client.post("/password", data={"current_password": current, "new_password": new,
                                          "csrf_token": token})


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, client, auth):
    auth.login("organiser")
    laptop = session_cookie(client)
    phone = app.test_client()
    type(auth)(app, phone).login("organiser")
    answer = change_password(phone, PASSWORD, NEW_PASSWORD)
    assert answer.status_code == 302
    assert "Password cambiata" in phone.get(answer.location).get_data(as_text=True)
    assert is_logged_in(phone)
    assert not is_logged_in(client_with(app, laptop))
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="organiser@example.org"))
        assert db.session.scalar(db.select(AuditEntry.action).filter_by(
            action="account.password_changed", actor_user_id=user.id)) is not None
    token = csrf_from(phone.get("/accesso"))
    assert phone.post("/uscita", data={"csrf_token": token}).status_code == 302
    form = {"email": "organiser@example.org", "password": NEW_PASSWORD,
            "csrf_token": csrf_from(phone.get("/accesso"))}
    assert phone.post("/accesso", data=form).status_code == 302


def test_a_refused_password_change_changes_nothing(app, client, auth):
    auth.login("organiser")
    copy = session_cookie(client)
    wrong = change_password(client, "non-e-questa-123", NEW_PASSWORD)
    assert wrong.status_code == 422
    assert "La password attuale non è corretta." in wrong.get_data(as_text=True)
    weak = change_password(client, PASSWORD, "password123")
    assert weak.status_code == 422 and "troppo facile" in weak.get_data(as_text=True)
    assert is_logged_in(client_with(app, copy))
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="organiser@example.org"))
        assert user.session_version == 0


def test_disabling_an_account_ends_its_sessions(app, client, auth, runner):
    auth.login("organiser")
    copy = session_cookie(client)
    result = runner.invoke(args=["users", "disable", "--email", "Organiser@example.org"])
    assert result.exit_code == 0, result.output
    assert not is_logged_in(client_with(app, copy))
    assert auth.login("organiser").status_code == 422
    unknown = runner.invoke(args=["users", "disable", "--email", "nessuno@example.org"])
    assert unknown.exit_code != 0 and "Nessun utente" in unknown.output


def test_a_cookie_of_the_old_form_is_refused(app, client, auth):
    auth.user("organiser")
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email="organiser@example.org"))
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
    assert not is_logged_in(client)
