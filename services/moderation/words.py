"""The landlords' word filters: words and phrases (French and English lists) that hold content
back for review instead of publishing it.

Texts and listed words are compared in their *folded* form (`fold`), so that case, accents and
the usual disguises do not matter, and as whole words: a listed word or phrase is found in a
text when it appears there as a run of whole words (word boundaries on both sides), never inside
a longer word. "con" is found in "Quel C0N !" but not in "contact", "économie" or "Mâcon".

Repeated letters: a text may repeat a letter more often than the listed word, never less. The
two are compared with every run of a letter counted once, and then each run of the text must be
at least as long as the listed word's: "connard" is found in "connard", "connnnard", "c0nn@rd"
and "connarrd"; "fuck" in "fuuuuck"; but "ass" is not found in "as", nor "butt" in "but", nor
"conne" in "cône" (and "conard", with one n, does not match "connard": list both if need be).

Publishing (posts, comments, listings) asks `matching_words`; holding the content back and
telling its author belong to the moderation cases.
"""

import re
import unicodedata

from sqlalchemy import delete, select

from models import FilteredWord, User, db
from services import scoping
from services.errors import field_error

LANGUAGES = ("fr", "en")
MAX_WORDS = 500  # per landlord and language
MIN_LENGTH, MAX_LENGTH = 2, 100  # characters of a word or phrase, as typed and once folded

# Letters that Unicode does not decompose into a base letter and a mark.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
# Cyrillic letters drawn like Latin ones ("соnnard" with a Cyrillic с and о).
_LOOKALIKES = str.maketrans("аеорсухіјѕ", "aeopcyxijs")
_LEET_LETTERS = dict(zip("013457@$€", "oieastase", strict=True))
_LEET = str.maketrans(_LEET_LETTERS)
# A run of letters, digits and the symbols that stand for letters.
_TOKEN = re.compile(r"(?:[^\W_]|[@$€!])+")
_DIGIT = re.compile(r"\d")
# A letter three times or more in a row.
_LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")
# A run of one letter, or any other single character.
_RUN = re.compile(r"([^\W\d_])\1*|.", re.DOTALL)


def fold(text: str) -> str:
    """The form in which texts and listed words are compared: words separated by one space.

    In this order:
    1. Case is folded (`str.casefold`), then accents removed: Unicode NFKD, combining marks
       dropped ("Ô" -> "o", "ﬁ" -> "fi", full-width letters -> plain ones); œ -> oe, æ -> ae,
       ß -> ss, ø -> o, ł -> l, đ -> d; Cyrillic lookalikes (а е о р с у х і ј ѕ) -> a e o p c y
       x i j s. Invisible format characters (zero-width spaces, soft hyphens) are dropped.
    2. The text is cut into words: runs of letters, digits and the symbols @ $ € !; anything
       else (spaces, punctuation, _, -, ., ', *) separates words. A `!` at either end of a
       word is punctuation and dropped; one inside a word (between letters, digits or symbols,
       as in "b!te") stands for an i.
    3. A run of two or more one-character words (a letter, or a digit or symbol of step 4)
       is joined into one word: "c.o.n", "c o n", "c-o-n", "c 0 n" -> "con". French
       one-letter words may be joined too ("il y a" -> "il ya"): listed words are folded the
       same way, so this only matters when such a letter touches a spelled-out word
       ("à c o n" -> "acon", not found).
    4. In a word holding a letter, or of two symbols or more, leetspeak is read as letters:
       0 -> o, 1 -> i, 3 -> e, 4 -> a, 5 -> s, 7 -> t, @ -> a, $ -> s, € -> e, ! -> i
       ("c0nn@rd" -> "connard", "@$$" -> "ass"). In any other word, digits stay and symbols
       go: numbers and prices ("2024", "15€" -> "15", "15 €" -> "15", "@" -> "").
    5. A letter repeated three times or more is kept twice: "connnnnard" -> "connard",
       "fuuuuck" -> "fuuck"; digits are left as they are. (Matching then compares runs of
       letters as the module's docstring says, so that "fuuck" still matches "fuck".)
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(
        character
        for character in text
        if not unicodedata.combining(character) and unicodedata.category(character) != "Cf"
    )
    text = text.casefold().translate(_LIGATURES).translate(_LOOKALIKES)
    words = [token.strip("!") for token in _TOKEN.findall(text)]
    folded = []
    for word in _join_single_characters([word for word in words if word]):
        symbols = len(word) > 1 and not _DIGIT.search(word)
        if symbols or any(character.isalpha() for character in word):
            word = word.translate(_LEET).replace("!", "i")
        else:
            word = "".join(character if character.isalnum() else " " for character in word)
        folded.extend(_LONG_RUN.sub(r"\1\1", part) for part in word.split())
    return " ".join(folded)


def _join_single_characters(words: list[str]) -> list[str]:
    joined, run = [], []
    for word in [*words, ""]:  # the empty word ends the last run
        if len(word) == 1 and (word.isalpha() or word in _LEET_LETTERS):
            run.append(word)
            continue
        if run:
            joined.append("".join(run))
            run = []
        if word:
            joined.append(word)
    return joined


def matching_words(landlord_id: int, *texts: str | None) -> list[str]:
    """The landlord's listed words and phrases (as typed, French and English lists alike)
    found in any of the texts, sorted; empty when nothing matches. One query."""
    texts = [text for text in texts if text]
    if not texts:
        return []
    rows = db.session.execute(
        select(FilteredWord.word, FilteredWord.folded).where(
            FilteredWord.landlord_id == landlord_id
        )
    ).all()
    if not rows:
        return []
    folded_texts = [_runs(f" {fold(text)} ") for text in texts]
    found = {
        word
        for word, folded in rows
        if any(_contains(text, _runs(folded)) for text in folded_texts)
    }
    return sorted(found, key=lambda word: (fold(word), word))


def _runs(folded: str) -> tuple[str, list[int]]:
    """The folded string with each run of a letter written once, and the runs' lengths."""
    runs = [match.group() for match in _RUN.finditer(folded)]
    return "".join(run[0] for run in runs), [len(run) for run in runs]


def _contains(text: tuple[str, list[int]], listed: tuple[str, list[int]]) -> bool:
    """Whether the listed word is in the text (both padded with a space and folded into
    runs): the same letters as whole words, each run in the text at least as long."""
    (text_letters, text_lengths), (letters, lengths) = text, listed
    start = text_letters.find(f" {letters} ")
    while start >= 0:
        found = text_lengths[start + 1 : start + 1 + len(lengths)]
        if all(seen >= wanted for seen, wanted in zip(found, lengths, strict=True)):
            return True
        start = text_letters.find(f" {letters} ", start + 1)
    return False


def filtered_words(landlord_id: int) -> list[FilteredWord]:
    """The landlord's list, French then English, each in the order of its folded words."""
    return list(
        db.session.scalars(
            select(FilteredWord)
            .where(FilteredWord.landlord_id == landlord_id)
            .order_by(FilteredWord.language.desc(), FilteredWord.folded, FilteredWord.word)
        )
    )


def word_filter(user: User, landlord_id: int) -> dict[str, list[str]]:
    """The landlord's lists as typed, by language: for its staff and platform admins."""
    scoping.get_staffed_landlord(user, landlord_id)
    rows = sorted(filtered_words(landlord_id), key=lambda row: (row.folded, row.word))
    return {
        language: [row.word for row in rows if row.language == language] for language in LANGUAGES
    }


def set_word_filter(user: User, landlord_id: int, lists: dict[str, list[str]]):
    """Replace the landlord's lists (every language given); answers them as `word_filter`."""
    for language, words in lists.items():
        set_filtered_words(user, landlord_id, language, words)
    return word_filter(user, landlord_id)


def set_filtered_words(user: User, landlord_id: int, language: str, words: list[str]) -> None:
    """Replace the landlord's list of one language by `words`, as typed (spaces around each
    trimmed; words that fold alike kept once, the first as typed).

    At most MAX_WORDS words, each of MIN_LENGTH to MAX_LENGTH characters, and still at least
    MIN_LENGTH letters or digits once folded. The landlord's staff and platform admins only:
    403 for those who see the landlord's residences, 404 for anyone else.
    """
    scoping.get_staffed_landlord(user, landlord_id)
    if language not in LANGUAGES:
        raise field_error("language", "Word lists are in French (fr) or English (en).")
    if len(words) > MAX_WORDS:
        raise field_error(language, "At most %(max)s words in a list.", max=MAX_WORDS)
    kept: dict[str, str] = {}
    for typed in words:
        word = typed.strip()
        if "\x00" in word:
            raise field_error(language, "May not contain the NUL character (U+0000).")
        folded = fold(word)
        if not MIN_LENGTH <= len(word) <= MAX_LENGTH or len(folded) > MAX_LENGTH:
            raise field_error(
                language,
                "Each word or phrase has %(min)s to %(max)s characters.",
                min=MIN_LENGTH,
                max=MAX_LENGTH,
            )
        if len(folded.replace(" ", "")) < MIN_LENGTH:
            raise field_error(
                language,
                "“%(word)s” has too few letters or digits to be filtered.",
                word=word,
            )
        kept.setdefault(folded, word)
    db.session.execute(
        delete(FilteredWord).where(
            FilteredWord.landlord_id == landlord_id, FilteredWord.language == language
        )
    )
    db.session.add_all(
        FilteredWord(landlord_id=landlord_id, language=language, word=word, folded=folded)
        for folded, word in kept.items()
    )
    db.session.flush()
