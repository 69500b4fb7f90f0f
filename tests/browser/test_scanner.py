"""The door scanner in Chromium: a fake camera showing a real badge, the check-in API, offline
decisions with the sync queue, search with one-tap check-in and undo, walk-ins, accessibility."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from support import PASSWORD

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.checkin import services as checkin
from fis_events.checkin.models import Scan
from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import Event, EventKind
from fis_events.extensions import db
from fis_events.unit_of_work import unit_of_work
from fis_events.participation.models import Attendance
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, Registration
from fis_events.registration.qr import qr_payload

pytestmark = pytest.mark.browser

ORGANISER = "organizzatrice@example.org"
SCAN_TIMEOUT = 15_000  # ms: camera start + decoding + the server's answer, with room to spare


# ---- data ----------------------------------------------------------------------------------

@pytest.fixture
def organiser(app):
    with app.app_context(), unit_of_work():
        create_user(ORGANISER, "Maria Rossi", PASSWORD, Role.ORGANISER)
    return ORGANISER


def make_event(app, title="Incontro FIS di prova", **fields):
    """A published event that started an hour ago (registration closed: people are added directly)."""
    with app.test_request_context():
        start = utcnow() - timedelta(hours=1)
        values = {"title": title, "kind": EventKind.PUBLIC_EVENT, "starts_at": start,
                  "ends_at": start + timedelta(hours=4), "registration_closes_at": start - timedelta(minutes=1),
                  "offers_in_person": True, "offers_remote": True, "remote_url": "https://meet.jit.si/fis-prova"}
        values.update(fields)
        event = events.create_event(**values)
        events.publish_event(event)
        event_id = event.id
        db.session.commit()
    return event_id


def register(app, event_id, n=1, first_name="Niccolò", last_name=None, mode=AttendanceMode.IN_PERSON):
    """Registered directly, as an organiser would; returns (registration id, badge payload)."""
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        registration = registrations.register(
            event, email=f"badge{n}@example.org", first_name=first_name,
            last_name=last_name or f"D'Angelo {n}", mode=mode, source="organiser")[0]
        result = registration.id, qr_payload(registration)
        db.session.commit()
    return result


def attendances(app, event_id):
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance).filter_by(event_id=event_id)).all()
        result = {(a.registration_id, a.device) for a in rows}
        db.session.remove()
    return result


def settled(*pages):
    """Let the pages finish loading (the fonts come late) before leaving them: a download cut off
    by a navigation or a closing browser leaves the test server an unclosed file, a warning, a
    failure in whichever test is running when it is collected."""
    for page in pages:
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")


def open_scanner(page, event_id):
    """Log in straight to the scanner; returns the list of script errors the page raises."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/accesso?next=/ingresso/eventi/{event_id}")
    settled(page)
    page.fill("#email", ORGANISER)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(re.compile(rf"^http://[^/]+/ingresso/eventi/{event_id}$"))
    expect(page.locator("#scanner")).to_be_visible()
    return errors


def result_of(page):
    return page.locator("#scan-result")


API = re.compile(r"/api/v1/")


def cut_network(context):
    """The phone loses its network. Playwright's offline switch flips navigator.onLine and
    blocks most requests, but not always those of a page the service worker has just served
    after a reload (seen once in CI): the check-in API is refused here too, so no scan reaches
    the server while the test says there is no network."""
    context.set_offline(True)
    context.route(API, lambda route: route.abort("internetdisconnected"))


def restore_network(context):
    context.unroute(API)
    context.set_offline(False)


# ---- tests ---------------------------------------------------------------------------------

def test_camera_scan_lets_the_badge_in_and_a_second_door_sees_it_already_in(app, organiser, camera):
    event_id = make_event(app)
    registration_id, payload = register(app, event_id)

    first = camera(payload, door="Porta 1").new_page()
    errors = open_scanner(first, event_id)
    result = result_of(first)
    expect(result).to_have_attribute("data-result", "ok", timeout=SCAN_TIMEOUT)
    expect(result).to_contain_text("OK")
    expect(result).to_contain_text("Niccolò D'Angelo 1")
    expect(result).to_contain_text("in presenza")
    expect(first.locator('[data-count="in_person"]')).to_have_text("1 / 1")
    assert attendances(app, event_id) == {(registration_id, "Porta 1")}
    # Held in front of the camera, the badge stays one scan.
    first.wait_for_timeout(2000)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Scan.id))) == 1
        db.session.remove()
    expect(first.locator("#scan-log li")).to_have_count(1)

    second = camera(payload, door="Porta 2").new_page()
    errors += open_scanner(second, event_id)
    result = result_of(second)
    expect(result).to_have_attribute("data-result", "already_checked_in", timeout=SCAN_TIMEOUT)
    expect(result).to_contain_text("Già entrato")
    expect(result).to_contain_text(re.compile(r"Già entrato alle \d\d\.\d\d \(Porta 1, Maria R\.\)"))
    assert attendances(app, event_id) == {(registration_id, "Porta 1")}
    settled(first, second)
    assert errors == []


def test_camera_scan_of_another_events_badge_is_refused_with_its_title(app, organiser, camera):
    event_id = make_event(app)
    other_id = make_event(app, title="Laboratorio sull'innovazione sociale a Napoli")
    _registration_id, payload = register(app, other_id)

    page = camera(payload).new_page()
    errors = open_scanner(page, event_id)
    result = result_of(page)
    expect(result).to_have_attribute("data-result", "other_event", timeout=SCAN_TIMEOUT)
    expect(result).to_have_class(re.compile(r"\bis-error\b"))
    expect(result).to_contain_text("Non ammesso")
    expect(result).to_contain_text("Laboratorio sull'innovazione sociale a Napoli")
    assert attendances(app, event_id) == set()
    settled(page)
    assert errors == []


def test_frames_are_decoded_in_a_worker_not_on_the_pages_thread(app, organiser, camera):
    """The page only copies each frame's pixels: jsQR is not even loaded in it, it runs in the
    decoding worker, which has decoded the frames that let the badge in."""
    event_id = make_event(app)
    _registration_id, payload = register(app, event_id)
    page = camera(payload).new_page()
    errors = open_scanner(page, event_id)
    expect(result_of(page)).to_have_attribute("data-result", "ok", timeout=SCAN_TIMEOUT)
    assert page.evaluate("() => typeof window.jsQR") == "undefined"
    decoder, = (worker for worker in page.workers if worker.url.endswith("/ingresso/decoder.js"))
    assert decoder.evaluate("() => typeof self.jsQR") == "function"
    assert decoder.evaluate("() => decodedFrames") >= 1
    settled(page)
    assert errors == []


def test_camera_switch_cycles_through_the_cameras(app, organiser, camera):
    event_id = make_event(app)
    page = camera(None, cameras=2).new_page()
    errors = open_scanner(page, event_id)
    expect(page.locator("#camera-status")).to_have_text("Inquadra il codice QR del badge.")
    switch = page.get_by_role("button", name="Cambia fotocamera")
    expect(switch).to_be_visible()
    expect(page.get_by_role("button", name="Torcia")).to_be_hidden()  # no torch on a fake camera
    current = "document.getElementById('camera-video').srcObject?.getVideoTracks()[0].getSettings().deviceId"
    first = page.evaluate(current)
    switch.click()
    expect(page.locator("#scanner")).to_have_attribute("data-camera", "on")
    # Functions, not expressions: Playwright would eval() an expression, which the CSP refuses.
    page.wait_for_function(f"first => {current} !== first", arg=first)
    switch.click()
    page.wait_for_function(f"first => {current} === first", arg=first)
    settled(page)
    assert errors == []


def test_offline_scans_are_decided_locally_and_synced_when_the_network_returns(app, organiser, page, context,
                                                                               axe):
    event_id = make_event(app)
    badges = [register(app, event_id, n) for n in (1, 2, 3)]
    errors = open_scanner(page, event_id)
    # No camera in this browser: said clearly, and the rest of the page works.
    expect(page.locator("#camera-status")).to_contain_text("codice del badge o la ricerca")
    expect(page.locator("#scanner")).to_have_attribute("data-offline-ready", "1")

    cut_network(context)
    expect(page.locator("#net-status")).to_contain_text("Non in linea")
    typed = [badges[0][1], badges[1][1].removeprefix("FISEV1:"), "  " + badges[2][1] + " "]
    for n, code in enumerate(typed, start=1):
        page.fill("#manual-code", code)
        page.press("#manual-code", "Enter")
        result = result_of(page)
        expect(result).to_have_attribute("data-result", "ok")
        expect(result).to_contain_text(f"Niccolò D'Angelo {n}")
        expect(result).to_contain_text("Deciso senza rete")
        result.click()  # a tap closes it
        expect(result).to_be_empty()
    pending = page.locator("#pending")
    expect(pending).to_have_attribute("data-pending", "3")
    expect(pending).to_contain_text("3 scansioni da sincronizzare")
    axe.assert_no_serious(page)  # offline banner and pending badge included
    # Nothing typed: said beside the field, nothing sent.
    expect(page.locator("#manual-code-error")).to_be_hidden()
    page.press("#manual-code", "Enter")
    expect(page.locator("#manual-code-error")).to_have_text("Scrivi il codice del badge.")
    expect(page.locator("#manual-code")).to_have_attribute("aria-invalid", "true")
    expect(pending).to_have_attribute("data-pending", "3")
    # The same badge again, still offline: this device remembers it let them in.
    page.fill("#manual-code", badges[0][1])
    page.press("#manual-code", "Enter")
    expect(result_of(page)).to_have_attribute("data-result", "already_checked_in")
    expect(pending).to_have_attribute("data-pending", "4")
    assert attendances(app, event_id) == set()

    restore_network(context)
    expect(pending).to_have_attribute("data-pending", "0", timeout=15_000)
    expect(page.locator("#sync-note")).to_contain_text("Scansioni sincronizzate: 4.")
    assert {registration_id for registration_id, _door in attendances(app, event_id)} == {
        registration_id for registration_id, _payload in badges}
    expect(page.locator('[data-count="in_person"]')).to_have_text("3 / 3")
    with app.app_context():
        scans = db.session.scalars(db.select(Scan).filter_by(event_id=event_id)).all()
        assert len(scans) == 4 and all(scan.offline for scan in scans)
        assert sorted(scan.result for scan in scans) == ["already_checked_in", "ok", "ok", "ok"]
        db.session.remove()
    settled(page)
    assert errors == []


def test_offline_refusals_and_a_note_when_the_server_disagrees(app, organiser, page, context):
    event_id = make_event(app, capacity_in_person=1)
    admitted_id, admitted = register(app, event_id, 1)
    _waiting_id, waiting = register(app, event_id, 2)
    cancelled_id, cancelled = register(app, event_id, 3)
    with app.test_request_context():
        registrations.cancel(db.session.get(Registration, cancelled_id))
        db.session.commit()
    errors = open_scanner(page, event_id)
    expect(page.locator("#scanner")).to_have_attribute("data-offline-ready", "1")
    # Another door lets the first person in after this phone downloaded its list.
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        assert checkin.decide_scan(event, admitted, "other-door", door="Porta 3").reason == "ok"
        db.session.commit()

    cut_network(context)
    expect(page.locator("#net-status")).to_contain_text("Non in linea")
    for code, result, text in ((waiting, "waiting_list", "lista d'attesa"), (cancelled, "cancelled", "annullata"),
                               ("FISEV1:" + "A" * 32, "unknown", "Codice sconosciuto"),
                               ("https://example.org/", "invalid_format", "Non è un codice di fis-events"),
                               (admitted, "ok", "Niccolò D'Angelo 1")):
        page.fill("#manual-code", code)
        page.press("#manual-code", "Enter")
        expect(result_of(page)).to_have_attribute("data-result", result)
        expect(result_of(page)).to_contain_text(text)
        expect(result_of(page)).to_have_class(re.compile(r"\bis-ok\b" if result == "ok" else r"\bis-error\b"))
        result_of(page).click()
    expect(page.locator("#pending")).to_have_attribute("data-pending", "5")

    restore_network(context)
    expect(page.locator("#pending")).to_have_attribute("data-pending", "0", timeout=15_000)
    note = page.locator("#sync-note")
    expect(note).to_contain_text(re.compile(
        r"Alla sincronizzazione: Niccolò D'Angelo 1 — Già entrato alle \d\d\.\d\d \(Porta 3\)"))
    expect(note).not_to_contain_text("D'Angelo 2")  # the server agreed on the others
    assert attendances(app, event_id) == {(admitted_id, "Porta 3")}
    settled(page)
    assert errors == []


def test_service_worker_keeps_the_page_and_its_files(app, organiser, page):
    event_id = make_event(app)
    errors = open_scanner(page, event_id)
    expect(page.locator("#scanner")).to_have_attribute("data-sw-cached", re.compile(r"^[1-9]"), timeout=10_000)
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        const cache = await caches.open(names.find(n => n.startsWith('fis-checkin-')));
        return (await cache.keys()).map(r => new URL(r.url).pathname);
    }""")
    assert f"/ingresso/eventi/{event_id}" in cached
    for path in ("/static/js/door/page.mjs", "/static/js/door/decision.mjs", "/static/js/door/storage.mjs",
                 "/static/js/door/camera.mjs", "/ingresso/decoder.js", "/vendor/jsqr/jsQR.js",
                 "/static/css/scanner.css", "/vendor/bootstrap-italia/css/bootstrap-italia.min.css"):
        assert path in cached
    assert not any(path.startswith("/api/") for path in cached)
    settled(page)
    assert errors == []


def test_scanner_page_is_accessible_also_with_a_result_shown(app, organiser, page, axe):
    event_id = make_event(app)
    _registration_id, payload = register(app, event_id)
    errors = open_scanner(page, event_id)
    expect(page.locator("#scanner")).to_have_attribute("data-offline-ready", "1")
    axe.assert_no_serious(page)
    # Keep each answer on screen while axe looks at it (the door's default is 2.5 s).
    page.locator("#scanner").evaluate("node => { node.dataset.resultMs = '60000'; }")
    for code, result in ((payload, "ok"), (payload, "already_checked_in"), ("FISEV1:" + "x" * 32, "unknown")):
        page.fill("#manual-code", code)
        page.press("#manual-code", "Enter")
        expect(result_of(page)).to_have_attribute("data-result", result)
        axe.assert_no_serious(page)
        expect(result_of(page)).to_have_attribute("data-result", result)
        result_of(page).click()
        expect(result_of(page)).to_be_empty()
    settled(page)
    assert errors == []


def test_search_finds_nicco_and_one_tap_checks_them_in_then_undo(app, organiser, page):
    event_id = make_event(app)
    registration_id, _payload = register(app, event_id)
    register(app, event_id, 2, first_name="Giulia", last_name="Bianchi")
    errors = open_scanner(page, event_id)

    page.get_by_label("Cerca nome, e-mail o ente").fill("nicco")
    results = page.locator("#search-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Niccolò D'Angelo 1")
    expect(results.first).to_contain_text("Non ancora entrato")
    results.first.get_by_role("button", name="Fai entrare").click()
    expect(result_of(page)).to_have_attribute("data-result", "ok")
    expect(result_of(page)).to_contain_text("Niccolò D'Angelo 1")
    assert {r for r, _door in attendances(app, event_id)} == {registration_id}
    result_of(page).click()
    expect(results.first).to_contain_text(re.compile(r"Entrato alle \d\d\.\d\d"))
    expect(page.locator('[data-count="in_person"]')).to_have_text("1 / 2")

    results.first.get_by_role("button", name="Annulla ingresso").click()
    expect(results.first).to_contain_text("Annullare l'ingresso di Niccolò D'Angelo 1?")
    assert attendances(app, event_id)  # nothing undone before the confirmation
    results.first.get_by_role("button", name="Conferma l'annullamento").click()
    expect(page.locator("#search-status")).to_contain_text("Ingresso di Niccolò D'Angelo 1 annullato.")
    expect(results.first).to_contain_text("Non ancora entrato")
    assert attendances(app, event_id) == set()
    expect(page.locator('[data-count="in_person"]')).to_have_text("0 / 2")
    settled(page)
    assert errors == []


def test_walk_in_refused_when_full_unless_an_organiser_overrides(app, organiser, page):
    event_id = make_event(app, capacity_in_person=1, offers_remote=False, remote_url=None)
    register(app, event_id)
    errors = open_scanner(page, event_id)

    page.get_by_label("Nome", exact=True).fill("Giulia")
    page.get_by_label("Cognome").fill("Bianchi")
    page.get_by_label("E-mail (facoltativa)", exact=True).fill("giulia.bianchi@example.org")
    page.get_by_label("Ente o organizzazione").fill("Comune di Catanzaro")
    page.get_by_role("button", name="Registra e fai entrare").click()
    expect(page.locator("#walkin-error")).to_contain_text("Posti esauriti")
    assert len(attendances(app, event_id)) == 0

    page.click("label[for=walkin-override]")  # Bootstrap Italia draws the box on the label
    expect(page.locator("#walkin-override")).to_be_checked()
    page.get_by_role("button", name="Registra e fai entrare").click()
    expect(result_of(page)).to_have_attribute("data-result", "ok")
    expect(result_of(page)).to_contain_text("Giulia Bianchi")
    expect(result_of(page)).to_contain_text("Comune di Catanzaro")
    expect(page.locator("#walkin-error")).to_be_hidden()
    assert len(attendances(app, event_id)) == 1
    settled(page)
    assert errors == []


# Scripts, connections and workers from this site only. Styles and fonts are looser because
# Bootstrap Italia injects <style> elements and has data: fonts in its CSS (not the scanner's doing).
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "font-src 'self' data:; connect-src 'self'; worker-src 'self'; media-src 'self' blob:; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def test_scanner_works_under_a_strict_content_security_policy(app, organiser, page, context):
    """No inline script, no eval, nothing from elsewhere: the page works under a strict script policy."""
    event_id = make_event(app)
    _registration_id, payload = register(app, event_id)
    context.add_init_script("""window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));""")

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    context.route(re.compile(r"^http://[^/]+/ingresso/eventi/\d+$"), with_csp)
    errors = open_scanner(page, event_id)
    expect(page.locator("#scanner")).to_have_attribute("data-offline-ready", "1")
    page.fill("#manual-code", payload)
    page.press("#manual-code", "Enter")
    expect(result_of(page)).to_have_attribute("data-result", "ok")
    expect(page.locator("#scanner")).to_have_attribute("data-sw-cached", re.compile(r"^[1-9]"), timeout=10_000)
    assert page.evaluate("window.__csp") == []
    settled(page)
    assert errors == []
    context.unroute_all(behavior="ignoreErrors")  # a request still on its way may not fail the teardown


def test_a_reload_without_network_keeps_the_page_its_list_and_its_queue(app, organiser, page, context):
    """Phones reload pages (a tap on the address bar, a swipe): the service worker answers with
    the cached page, the downloaded list is still in IndexedDB, the scans queued before the
    reload are still queued, and they all reach the server when the network returns."""
    event_id = make_event(app)
    badges = [register(app, event_id, n) for n in (1, 2)]
    errors = open_scanner(page, event_id)
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-offline-ready", "1")
    expect(scanner).to_have_attribute("data-sw-cached", re.compile(r"^[1-9]"), timeout=10_000)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    cut_network(context)
    page.fill("#manual-code", badges[0][1])
    page.press("#manual-code", "Enter")
    expect(result_of(page)).to_have_attribute("data-result", "ok")
    expect(page.locator("#pending")).to_have_attribute("data-pending", "1")

    page.reload()
    expect(scanner).to_be_visible()
    expect(page.locator("#net-status")).to_contain_text("Non in linea")
    expect(page.locator("#pending")).to_have_attribute("data-pending", "1")
    page.fill("#manual-code", badges[1][1])
    page.press("#manual-code", "Enter")
    expect(result_of(page)).to_have_attribute("data-result", "ok")
    expect(result_of(page)).to_contain_text("Niccolò D'Angelo 2")
    expect(page.locator("#pending")).to_have_attribute("data-pending", "2")
    page.fill("#manual-code", badges[0][1])  # let in before the reload: still remembered
    page.press("#manual-code", "Enter")
    expect(result_of(page)).to_have_attribute("data-result", "already_checked_in")
    assert attendances(app, event_id) == set()

    restore_network(context)
    expect(page.locator("#pending")).to_have_attribute("data-pending", "0", timeout=15_000)
    assert {registration_id for registration_id, _door in attendances(app, event_id)} == {
        registration_id for registration_id, _payload in badges}
    settled(page)
    assert errors == []


def test_a_reload_without_network_still_decodes_the_camera(app, organiser, camera):
    """The decoding worker and the decoder it loads come from the service worker's cache too."""
    event_id = make_event(app)
    _registration_id, payload = register(app, event_id)
    context = camera(payload, door="Porta 1")
    page = context.new_page()
    errors = open_scanner(page, event_id)
    scanner = page.locator("#scanner")
    expect(result_of(page)).to_have_attribute("data-result", "ok", timeout=SCAN_TIMEOUT)
    expect(scanner).to_have_attribute("data-sw-cached", re.compile(r"^[1-9]"), timeout=10_000)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    cut_network(context)
    page.reload()
    expect(page.locator("#net-status")).to_contain_text("Non in linea")
    expect(result_of(page)).to_have_attribute("data-result", "already_checked_in", timeout=SCAN_TIMEOUT)
    expect(result_of(page)).to_contain_text("Deciso senza rete")
    restore_network(context)
    expect(page.locator("#pending")).to_have_attribute("data-pending", "0", timeout=15_000)
    settled(page)
    assert errors == []


TORCH_CAMERA = """
  // A phone's rear camera with a torch: Chromium's fake camera has none, so say it has one and
  // keep what the page asks of it.
  window.torchAsked = [];
  const capabilities = MediaStreamTrack.prototype.getCapabilities;
  MediaStreamTrack.prototype.getCapabilities = function () {
    return Object.assign({}, capabilities.call(this), {torch: true});
  };
  MediaStreamTrack.prototype.applyConstraints = function (constraints) {
    window.torchAsked.push(constraints.advanced[0].torch);
    return window.torchFails ? Promise.reject(new Error('OverconstrainedError'))
                             : Promise.resolve();
  };
"""


def test_torch_toggle_where_the_camera_has_one(app, organiser, camera):
    event_id = make_event(app)
    context = camera(None)
    context.add_init_script(TORCH_CAMERA)
    page = context.new_page()
    errors = open_scanner(page, event_id)
    torch = page.get_by_role("button", name="Torcia")
    expect(torch).to_be_visible()
    expect(torch).to_have_attribute("aria-pressed", "false")
    torch.click()
    expect(torch).to_have_attribute("aria-pressed", "true")
    torch.click()
    expect(torch).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("() => window.torchAsked") == [True, False]
    # A torch that refuses (another app holds it): the button goes rather than lie.
    page.evaluate("() => { window.torchFails = true; }")
    torch.click()
    expect(torch).to_be_hidden()
    settled(page)
    assert errors == []
