"""The landlords' word filters: French and English lists of words and phrases."""

from flask_babel import lazy_gettext
from marshmallow import fields, validate

from app.schemas.common import ApiSchema, ResponseSchema
from services.moderation.words import MAX_LENGTH, MAX_WORDS, MIN_LENGTH


def word_list(language: str) -> fields.List:
    return fields.List(
        fields.String(
            validate=validate.Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                error=lazy_gettext("Each word or phrase has {min} to {max} characters."),
            )
        ),
        required=True,
        validate=validate.Length(
            max=MAX_WORDS, error=lazy_gettext("At most {max} words in a list.")
        ),
        metadata={"description": f"The {language} words and phrases, as typed"},
    )


class WordFilterRequestSchema(ApiSchema):
    fr = word_list("French")
    en = word_list("English")


class WordFilterSchema(ResponseSchema):
    fr = fields.List(fields.String(), metadata={"description": "The French list, as typed, sorted"})
    en = fields.List(
        fields.String(), metadata={"description": "The English list, as typed, sorted"}
    )
