"""What the figures mean: the version of their definitions, and the defaults they rely on.

Each figure is defined once, in the README ("Monthly reports"), exactly as
services/reports/figures.py computes it. Change a definition: bump DEFINITIONS_VERSION, so that
every stored snapshot says which definitions made it.
"""

from models import ListingKind

DEFINITIONS_VERSION = 1

# What an object is worth when its listing gives no `estimated_value_eur`: a second-hand price
# of a typical object of the category, in euros (money saved by borrowing or receiving it).
VALUE_EUR_BY_CATEGORY = {
    "tools": 60,
    "kitchen": 40,
    "diy": 40,
    "children": 50,
    "garden": 80,
    "sport": 40,
    "electronics": 80,
    "books": 10,
    "mobility": 100,
    "other": 20,
}

# How long a help of the category takes when the members did not say, in minutes.
HELP_MINUTES_BY_CATEGORY = {
    "shopping": 60,
    "pets": 60,
    "paperwork": 90,
    "small_repairs": 90,
    "company": 120,
    "translation": 60,
    "lifts": 45,
    "childcare": 120,
    "other": 60,
}

HELP_KINDS = (ListingKind.OFFER_HELP, ListingKind.REQUEST_HELP)

# A building's counts below this are shown as "< 5": nobody is recognisable in a small group.
SMALL_COUNT = 5


def help_minutes(category: str) -> int:
    return HELP_MINUTES_BY_CATEGORY.get(category, HELP_MINUTES_BY_CATEGORY["other"])
