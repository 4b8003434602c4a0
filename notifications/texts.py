"""What each kind of notification says, in the recipient's language.

Titles and bodies are English message ids translated through the app's catalogue (Flask-Babel),
rendered in the recipient's locale at the moment the notification is enqueued.
"""

from flask_babel import force_locale, lazy_gettext

TEXTS = {
    "welcome": (
        lazy_gettext("Welcome to %(residence)s"),
        lazy_gettext("Your neighbours are here: lend, borrow, help each other and share news."),
    ),
}


def render(kind: str, locale: str, params: dict) -> tuple[str, str]:
    title, body = TEXTS[kind]
    with force_locale(locale):
        return str(title) % params, str(body) % params
