"""Browser tests: Debian's Chromium driven by Playwright against the app served in a thread.

Every test module here sets `pytestmark = pytest.mark.browser` (`make test-fast` leaves them out). The app is the
session `app` fixture, so the live server uses the same migrated database as the test;
`_clean_tables` empties it after each test, so each test loads its own data (see `demo`).
"""
import json
from pathlib import Path

import pytest
import qrcode
from PIL import Image

from fis_events.events.models import Event
from fis_events.extensions import db
from support import commit_test_work

HERE = Path(__file__).resolve().parent
PROJECT_DIR = HERE.parent.parent
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
# The real binary skips a harmless warning printed by Debian's wrapper script.
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()),
                "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDTH, HEIGHT = 640, 480  # the fake camera's frame
GENOVA_DATA = PROJECT_DIR / "fis_events" / "demo" / "data" / "genova-2023.json"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, with no attempt to reach the internet."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright gives every context this base URL: page.goto("/") works."""
    return live_server


@pytest.fixture
def page(page):
    """pytest-playwright's page, whose navigations first commit what the test did through the
    services: the test is the boundary of its own work, and the server runs in another thread."""
    for name in ("goto", "reload"):
        setattr(page, name, committing_first(getattr(page, name)))
    return page


def committing_first(navigate):
    def navigate_after_commit(*args, **kwargs):
        commit_test_work()
        return navigate(*args, **kwargs)

    return navigate_after_commit


@pytest.fixture
def demo(app):
    """`flask demo load`; returns the Genova event's id."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    title = json.loads(GENOVA_DATA.read_text(encoding="utf-8"))["event"]["title"]
    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).filter_by(title=title))
        db.session.remove()
    assert event_id is not None
    return event_id


class Axe:
    """axe-core (from node_modules) run on a page; `axe(page)` returns the violations."""

    BLOCKING = ("serious", "critical")

    def __call__(self, page, options=None):
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated, not added as a <script>: the Content-Security-Policy refuses inline scripts.
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate("options => axe.run(document, options || {})", options)
        return result["violations"]

    @staticmethod
    def describe(violations):
        lines = []
        for v in violations:
            lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:10]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
                if node.get("failureSummary"):
                    lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        return "\n".join(lines)

    def assert_no_serious(self, page):
        """Fail on any serious or critical violation, listing them with their nodes."""
        blocking = [v for v in self(page) if v["impact"] in self.BLOCKING]
        assert not blocking, f"axe on {page.url}:\n{self.describe(blocking)}"


@pytest.fixture
def axe():
    return Axe()


# ---- a fake camera showing a badge ---------------------------------------------------------

def badge_feed(payload, path):
    """One-frame Y4M (640x480, 4:2:0) with the badge's QR code in the middle of a white frame."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the white quiet zone
    modules = len(matrix)
    qr = Image.new("L", (modules, modules), 255)
    qr.putdata([0 if dark else 255 for row in matrix for dark in row])
    side = int(min(WIDTH, HEIGHT) * 0.6) // modules * modules
    qr = qr.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(qr, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode() + b"FRAME\n"
                     + frame.tobytes() + chroma + chroma)
    return path


@pytest.fixture
def camera(browser_type, browser_type_launch_args, live_server, tmp_path):
    """camera(payload, door=None): a context in its own Chromium whose camera shows that badge.
    camera(None, cameras=2): two fake cameras showing Chromium's test pattern instead."""
    browsers = []

    def launch(payload, door=None, cameras=1):
        args = [*browser_type_launch_args["args"], "--use-fake-ui-for-media-stream"]
        if payload is None:
            args.append(f"--use-fake-device-for-media-stream=device-count={cameras}")
        else:
            feed = badge_feed(payload, tmp_path / f"badge-{len(browsers)}.y4m")
            args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={feed}"]
        browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
        browsers.append(browser)
        context = browser.new_context(permissions=["camera"], base_url=live_server)
        if door:
            context.add_init_script(f"localStorage.setItem('fis-checkin-door', {door!r})")
        return context

    yield launch
    for browser in browsers:
        browser.close()
