"""The landlords' word filters: folding, whole-word matching, the lists and their endpoints."""

import pytest
from sqlalchemy import event, func, select

from models import FilteredWord, Landlord, db
from services.errors import Forbidden, InvalidInput, NotFound
from services.moderation.words import fold, matching_words, set_filtered_words


def url(landlord):
    return f"/api/v1/landlords/{landlord.id}/word-filter"


def lists(world, fr=(), en=()):
    staff = world.users["staff"]
    set_filtered_words(staff, world.landlord.id, "fr", list(fr))
    set_filtered_words(staff, world.landlord.id, "en", list(en))


@pytest.mark.parametrize(
    "disguised",
    [
        "connard",
        "CONNARD",
        "Connard",
        "cônnârd",
        "c0nn@rd",
        "C0NN4RD",
        "c.o.n.n.a.r.d",
        "c o n n a r d",
        "c-0-n-n-@-r-d",
        "connnnnard",
        "соnnard",  # a Cyrillic с and о
        "con\u200bnard",  # a zero-width space inside
        "ＣＯＮＮＡＲＤ",  # full-width letters
    ],
)
def test_disguises_fold_to_the_listed_word(disguised):
    assert fold(disguised) == fold("connard") == "connard"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Élève ÉCŒURÉ par l'œil", "eleve ecoeure par l oeil"),
        ("il y a", "il ya"),  # one-letter words side by side are joined
        ("Ex æquo, STRASSE, straße", "ex aequo strasse strasse"),
        ("$alope", "salope"),
        ("5@l0pe", "salope"),
        ("b!te", "bite"),  # `!` inside a word is an i
        ("Quel con !!!", "quel con"),  # at its end, punctuation
        ("fuuuuuck", "fuuck"),  # three or more: kept twice
        ("j'ai 2 enfants, 15 € et 1000$", "j ai 2 enfants 15 et 1000"),  # numbers stay
        ("@$$", "ass"),  # symbols only: leetspeak
        ("le 1er", "le ier"),  # a word with letters reads its digits as letters
        ("mot_clé, mot-clé", "mot cle mot cle"),
        ("", ""),
        ("!!! ... @", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_words_are_matched_whole_never_inside_a_longer_word(world):
    lists(world, fr=["con", "connard", "cul"], en=["cunt", "shit", "ass"])
    innocent = [
        "Merci pour le contact, à bientôt",
        "Un peu d'économie d'énergie",
        "De Mâcon à Scunthorpe",
        "Reconnaissance éternelle aux bénévoles",
        "Une culotte, un reculoir, des shiitakes",
        "The class assembled in the passage with its assistant",
        "Glasses, ASSESSMENT, Essex",
    ]
    for text in innocent:
        assert matching_words(world.landlord.id, text) == [], text
    assert matching_words(world.landlord.id, "Quel C0N, celui-là") == ["con"]
    assert matching_words(world.landlord.id, "quel c.o.n !") == ["con"]
    assert matching_words(world.landlord.id, "pauvre connnnnard") == ["connard"]
    assert matching_words(world.landlord.id, "Sh1t!") == ["shit"]
    assert matching_words(world.landlord.id, "you @$$") == ["ass"]


def test_a_text_may_repeat_letters_more_than_the_listed_word_never_less(world):
    lists(world, fr=["connard"], en=["asshole", "ass", "butt", "fuck"])
    for text in ("connard", "connnnnard", "CONNARD!", "c0nn@rd", "c.o.n.n.a.r.d", "connarrd"):
        assert matching_words(world.landlord.id, f"T'es un {text}.") == ["connard"], text
    for text in ("asshole", "a$$h0le", "aaasssshole", "A S S H O L E"):
        assert matching_words(world.landlord.id, f"what an {text}") == ["asshole"], text
    assert matching_words(world.landlord.id, "F U U U C K") == ["fuck"]
    assert matching_words(world.landlord.id, "your a$$$") == ["ass"]
    # Fewer letters than listed: another word.
    for text in ("Tu as raison", "but why", "ashole", "conard", "fuk"):
        assert matching_words(world.landlord.id, text) == [], text
    # A letter once in the listed word matches it doubled in the text, not the other way.
    lists(world, fr=["conne", "cone"])
    assert matching_words(world.landlord.id, "Un cône de glace") == ["cone"]
    assert matching_words(world.landlord.id, "Quelle conne") == ["cone", "conne"]


def test_phrases_match_as_runs_of_whole_words(world):
    lists(world, fr=["va te faire", "sale type"], en=["shut up"])
    found = matching_words(world.landlord.id, "Va   te FAIRE voir !")
    assert found == ["va te faire"]
    assert matching_words(world.landlord.id, "Va-te-faire") == ["va te faire"]
    assert matching_words(world.landlord.id, "SHUT... UP") == ["shut up"]
    assert matching_words(world.landlord.id, "Quel s@le typ3") == ["sale type"]
    for text in ("va te coucher", "faire va te", "sale typographie", "shutup", "a shut door"):
        assert matching_words(world.landlord.id, text) == [], text


def test_both_languages_every_text_and_only_this_landlords_words(world):
    lists(world, fr=["abruti", "Bâtard"], en=["idiot"])
    other_staff = world.users["other_staff"]
    set_filtered_words(other_staff, world.other_landlord.id, "fr", ["banane"])
    found = matching_words(world.landlord.id, "Objet: banane", None, "Idiot et abruti", "")
    assert found == ["abruti", "idiot"]  # as typed, sorted
    assert matching_words(world.landlord.id, "espèce de batard") == ["Bâtard"]
    assert matching_words(world.other_landlord.id, "Idiot, banane !") == ["banane"]
    assert matching_words(world.landlord.id) == []
    assert matching_words(world.landlord.id, None, "") == []


def test_matching_reads_the_landlords_words_in_one_query(world):
    lists(
        world,
        fr=[f"mot{chr(97 + number)}{chr(97 + number // 3)}x" for number in range(26)],
        en=[f"word{chr(97 + number)}y" for number in range(26)],
    )
    db.session.flush()
    statements = []

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = matching_words(
            world.landlord.id, "un motaax ici", "and a WORDZY there", "et rien là", "nothing"
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert found == ["motaax", "wordzy"]
    assert len(statements) == 1, statements
    assert "filtered_words" in statements[0]


def test_a_list_is_replaced_trimmed_and_kept_once_per_folded_word(world):
    staff = world.users["staff"]
    set_filtered_words(staff, world.landlord.id, "fr", ["connard", "idiot"])
    set_filtered_words(staff, world.landlord.id, "en", ["idiot"])
    set_filtered_words(staff, world.landlord.id, "fr", ["  Connard ", "CONNARD", "c0nn@rd", "nul"])
    rows = db.session.execute(
        select(FilteredWord.language, FilteredWord.word, FilteredWord.folded)
        .where(FilteredWord.landlord_id == world.landlord.id)
        .order_by(FilteredWord.language, FilteredWord.folded)
    ).all()
    assert rows == [("en", "idiot", "idiot"), ("fr", "Connard", "connard"), ("fr", "nul", "nul")]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([f"mot{number}" for number in range(501)], "At most 500 words in a list."),
        (["a"], "Each word or phrase has 2 to 100 characters."),
        (["   a   "], "Each word or phrase has 2 to 100 characters."),
        ([""], "Each word or phrase has 2 to 100 characters."),
        (["x" * 101], "Each word or phrase has 2 to 100 characters."),
        (["ﷺ" * 10], "Each word or phrase has 2 to 100 characters."),  # 180 letters once folded
        (["a!"], "“a!” has too few letters or digits to be filtered."),
        (["@!"], "“@!” has too few letters or digits to be filtered."),
        (["mot\x00"], "May not contain the NUL character (U+0000)."),
    ],
)
def test_bad_lists_are_refused(world, words, message):
    with pytest.raises(InvalidInput) as refused:
        set_filtered_words(world.users["staff"], world.landlord.id, "fr", words)
    assert str(refused.value) == message
    assert refused.value.field_errors.keys() == {"fr"}


def test_only_the_landlords_staff_and_admins_set_a_list(world):
    words = ["connard"]
    with pytest.raises(InvalidInput):
        set_filtered_words(world.users["admin"], world.landlord.id, "de", words)
    with pytest.raises(Forbidden):
        set_filtered_words(world.users["resident"], world.landlord.id, "fr", words)
    with pytest.raises(NotFound):
        set_filtered_words(world.users["other_staff"], world.landlord.id, "fr", words)
    with pytest.raises(NotFound):
        set_filtered_words(world.users["admin"], 2_000_000_000, "fr", words)
    set_filtered_words(world.users["admin"], world.landlord.id, "fr", words)
    set_filtered_words(world.users["other_staff"], world.other_landlord.id, "fr", words)
    assert matching_words(world.other_landlord.id, "connard") == ["connard"]


def test_staff_replace_and_read_both_lists(client, world):
    headers = world.headers("staff")
    body = {"fr": ["Zut", "abruti", "Bâtard", "va te faire"], "en": ["idiot", "Dumb"]}
    put = client.put(url(world.landlord), json=body, headers=headers)
    assert put.status_code == 200, put.json
    expected = {"fr": ["abruti", "Bâtard", "va te faire", "Zut"], "en": ["Dumb", "idiot"]}
    assert put.json == expected
    assert client.get(url(world.landlord), headers=headers).json == expected
    assert client.get(url(world.landlord), headers=world.headers("admin")).json == expected
    assert matching_words(world.landlord.id, "Z.U.T") == ["Zut"]

    emptied = client.put(url(world.landlord), json={"fr": [], "en": ["idiot"]}, headers=headers)
    assert emptied.json == {"fr": [], "en": ["idiot"]}
    other = client.get(url(world.other_landlord), headers=world.headers("other_staff"))
    assert other.json == {"fr": [], "en": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"fr": [f"mot{number}" for number in range(501)], "en": []}, "fr"),
        ({"fr": [], "en": [""]}, "en"),
        ({"fr": ["x"], "en": []}, "fr"),
        ({"fr": ["x" * 101], "en": []}, "fr"),
        ({"fr": ["  a  "], "en": []}, "fr"),  # two characters only with its spaces
        ({"fr": ["!!!"], "en": []}, "fr"),  # nothing left once folded
        ({"fr": ["mot\x00"], "en": []}, "fr"),
        ({"fr": [12], "en": []}, "fr"),
        ({"fr": "connard", "en": []}, "fr"),
        ({"fr": []}, "en"),
        ({"fr": [], "en": [], "de": []}, "de"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(client, world, body, field):
    lists(world, fr=["connard"], en=["idiot"])
    response = client.put(url(world.landlord), json=body, headers=world.headers("staff"))
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
    assert client.get(url(world.landlord), headers=world.headers("staff")).json == {
        "fr": ["connard"],
        "en": ["idiot"],
    }


def test_refusals_are_explained_in_the_callers_language(client, world):
    too_many = {"fr": [f"mot{number}" for number in range(501)], "en": []}
    french = client.put(url(world.landlord), json=too_many, headers=world.headers("staff"))
    assert french.json["errors"] == {"fr": ["Au plus 500 mots par liste."]}
    folded_away = client.put(
        url(world.landlord),
        json={"fr": [], "en": ["a!"]},
        headers={**world.headers("staff"), "Accept-Language": "en"},
    )
    assert folded_away.json["errors"] == {
        "en": ["“a!” has too few letters or digits to be filtered."]
    }
    missing = db.session.scalar(select(func.max(Landlord.id))) + 1
    unknown = client.get(f"/api/v1/landlords/{missing}/word-filter", headers=world.headers("admin"))
    assert unknown.status_code == 404
    assert unknown.json["detail"] == "Ce bailleur n’existe pas ou n’est pas le vôtre."
