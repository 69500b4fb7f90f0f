"""Security headers on every response, trusting a reverse proxy's headers when told to, and no
NUL byte from an address reaching the database.

Headers rather than per-page care: a page added tomorrow gets the same protection.
"""
from flask import abort, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

#: endpoints that serve fingerprinted front-end files (long cache, no session)
ASSET_ENDPOINTS = ("static", "site.vendor")
#: Everything comes from our own server (npm packages are served from /vendor/, never a CDN),
#: so no inline script or style is allowed: an injected <script> or style="" does nothing.
#: img-src and font-src allow data: for the icons and a font inlined in Bootstrap Italia's CSS;
#: the door scanner's camera (getUserMedia) and sounds (WebAudio) need no source of their own.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self'",
    "worker-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
))

#: Referrer-Policy "same-origin": personal links carry their token in the path
#: (/iscrizione/<token>, /j/<token>); "strict-origin-when-cross-origin" would already keep the
#: path from other sites, but we have no reason to tell them even where a visitor came from
#: (no partners, no analytics), and our own pages still see full referrers.
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"

#: Personal links (the token is the key) and the door, whose pages and answers are about
#: named people: never kept by a browser or a shared cache.
PERSONAL_PATHS = ("/iscrizione/", "/j/", "/questionario/")
PERSONAL_BLUEPRINTS = {"checkin", "checkin_api"}


def init_app(app):
    if app.config.get("TRUST_PROXY_HEADERS"):
        # One proxy in front: its X-Forwarded-* tell the scheme (for HSTS and Secure cookies),
        # the host and the client address (for rate limits).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    app.before_request(refuse_nul_in_address)
    app.after_request(add_security_headers)


def refuse_nul_in_address():
    """A NUL in a path or query string is nobody's typing, and PostgreSQL cannot even compare
    text with one: 400 before a view hands it to a query. (Forms say so beside the field.)"""
    if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                     for key, value in request.args.items(multi=True)):
        abort(400)


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        # Only over https: sent over http it would be ignored, and in development it would
        # pin localhost to https for a year.
        response.headers["Strict-Transport-Security"] = HSTS
    if is_personal():
        response.headers["Cache-Control"] = "no-store"
    return response


def is_personal():
    """Pages of a logged-in user, personal links and the door; static files stay cacheable."""
    if request.endpoint in ASSET_ENDPOINTS:
        return False
    return (request.path.startswith(PERSONAL_PATHS) or request.blueprint in PERSONAL_BLUEPRINTS
            or "_user_id" in session)
