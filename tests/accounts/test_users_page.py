"""Admins list the staff accounts and disable one: its open sessions end at once."""
from fis_events.accounts.models import User
from fis_events.extensions import db
from support import csrf_from


def user_id(email):
    return db.session.scalar(db.select(User.id).filter_by(email=email))


def test_an_admin_disables_an_account_and_its_session_ends(app, app_ctx, client, auth):
    door = app.test_client()
    type(auth)(app, door).login("door_staff")
    assert door.get("/ingresso/").status_code == 200
    auth.login("admin")
    page = client.get("/gestione/utenti")
    assert page.status_code == 200 and "door_staff@example.org" in page.get_data(as_text=True)
    answer = client.post(f"/gestione/utenti/{user_id('door_staff@example.org')}/disabilita",
                         data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "sessioni aperte sono chiuse" in answer.get_data(as_text=True)
    assert door.get("/ingresso/").location.startswith("/accesso")
    assert "disabilitato" in client.get("/gestione/utenti").get_data(as_text=True)


def test_an_admin_cannot_disable_themselves_nor_twice(app_ctx, client, auth):
    auth.user("door_staff")
    auth.login("admin")
    token = csrf_from(client.get("/gestione/utenti"))
    own = client.post(f"/gestione/utenti/{user_id('admin@example.org')}/disabilita",
                      data={"csrf_token": token}, follow_redirects=True)
    assert "Non puoi disabilitare il tuo stesso account." in own.get_data(as_text=True)
    assert db.session.get(User, user_id("admin@example.org")).active
    assert client.get("/gestione/utenti").status_code == 200  # still logged in
    door = f"/gestione/utenti/{user_id('door_staff@example.org')}/disabilita"
    client.post(door, data={"csrf_token": token})
    again = client.post(door, data={"csrf_token": token}, follow_redirects=True)
    assert "L'account è già disabilitato." in again.get_data(as_text=True).replace("&#39;", "'")
    assert client.post("/gestione/utenti/999999/disabilita", data={"csrf_token": token}).status_code == 404
