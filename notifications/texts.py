"""What each kind of notification says, in the recipient's language.

Titles and bodies are English message ids translated through the app's catalogue (Flask-Babel),
rendered with the recipient's locale at the moment the notification is enqueued.
"""

from flask_babel import force_locale, gettext

TEXTS = {
    "welcome": (
        "Welcome to %(residence)s",
        "Your neighbours are here: lend, borrow, help and share news.",
    ),
}


def render(kind: str, locale: str, params: dict) -> tuple[str, str]:
    title, body = TEXTS[kind]
    with force_locale(locale):
        return gettext(title, **params), gettext(body, **params)
