"""Every message the code can show has a French translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import MESSAGE_KEYWORDS

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def keywords():
    parsed = {}
    for keyword in MESSAGE_KEYWORDS:
        name, _, position = keyword.partition(":")
        parsed[name] = (int(position),) if position else None
    return parsed


def test_every_message_id_has_a_french_translation():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    found = set()
    methods = [("**.py", "python"), ("templates/**.html", "jinja2")]
    for package in ("app", "services", "notifications"):
        for _, _, message, _, _ in extract_from_dir(ROOT / package, methods, keywords=keywords()):
            found.add(message if isinstance(message, str) else message[0])
    assert len(found) > 40  # the extraction itself works
    untranslated = sorted(m for m in found if not (catalogue.get(m) and catalogue.get(m).string))
    assert untranslated == []
