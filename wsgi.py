"""WSGI entry point: `gunicorn wsgi:app` (production) or `flask --app wsgi run`."""
import os

from fis_events import create_app

app = create_app(os.environ.get("FIS_CONFIG", "development"))
