"""Security headers on every kind of response, cookies' flags, and templates the policy allows."""
import re
from pathlib import Path

import pytest
from support import csrf_from

from config import ProductionConfig, TestingConfig
from fis_events import create_app
from fis_events.checkin import services as checkin
from fis_events.security import CONTENT_SECURITY_POLICY, HSTS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: e-mails: their clients ignore stylesheets and no browser policy applies to them
EMAIL_TEMPLATES = ("registration/emails/", "checkin/emails/", "feedback/emails/", "notify/",
                   "reports/email/")


def assert_secured(response):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for directive in ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'", "worker-src 'self'"):
        assert directive in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=()"


@pytest.mark.parametrize("path, status", [
    ("/", 200),                          # an HTML page
    ("/api/v1/events", 200),             # a JSON API answer
    ("/api/v1/nessuna-risorsa", 404),    # a JSON error
    ("/pagina-inesistente", 404),        # the HTML error page
    ("/static/css/app.css", 200),        # our files
    ("/vendor/bootstrap-italia/css/bootstrap-italia.min.css", 200),  # npm packages
])
def test_every_response_carries_the_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_secured(response)
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_hsts_only_over_https(client):
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_proxy_headers_trusted_only_when_configured(app):
    class Behind(TestingConfig):
        TRUST_PROXY_HEADERS = True

    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz", headers=forwarded).headers
    behind = create_app(Behind).test_client()
    assert behind.get("/healthz", headers=forwarded).headers["Strict-Transport-Security"] == HSTS


def test_personal_pages_are_not_stored_but_public_and_static_ones_are(client, auth):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/iscrizione/collegamento-inventato").headers["Cache-Control"] == "no-store"
    auth.login()
    assert client.get("/gestione/").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"  # the page names the user
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def cookie_header(response, name):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_session_cookie_is_http_only_and_same_site(client, auth):
    cookie = cookie_header(auth.login(), "session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


@pytest.mark.parametrize("base_url, secure", [("http://localhost", False), ("https://localhost", True)])
def test_device_cookie_is_http_only_and_secure_over_https(client, open_event, base_url, secure):
    event = open_event()
    code = checkin.create_pairing(event)
    page = client.get(f"/ingresso/abbina/{code}", base_url=base_url)
    response = client.post(f"/ingresso/abbina/{code}", base_url=base_url,
                           headers={"Referer": f"{base_url}/ingresso/abbina/{code}"},
                           data={"csrf_token": csrf_from(page), "name": "Porta 1"})
    assert response.status_code == 302
    cookie = cookie_header(response, f"fis_device_{event.id}")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert ("Secure" in cookie) is secure


def page_templates():
    return [p for p in sorted(TEMPLATES.rglob("*.html"))
            if not p.relative_to(TEMPLATES).as_posix().startswith(EMAIL_TEMPLATES)]


def test_templates_have_no_inline_styles_or_scripts():
    """The policy refuses them: they would silently do nothing in the browser."""
    found = []
    for path in page_templates():
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle=|<style", text):
            found.append(f"{path.relative_to(TEMPLATES)}: style")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and not re.search(r'type="application/(ld\+)?json"', tag):
                found.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        if re.search(r"\son[a-z]+=", text):
            found.append(f"{path.relative_to(TEMPLATES)}: event handler attribute")
    assert not found, found
