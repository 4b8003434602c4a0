"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi`.

PALIER_CONFIG must be set (`production` on a server; `make run` sets `development`): without it
the app refuses to start rather than serve the development settings.
"""

from app import create_app

app = create_app()
