"""Marshmallow schemas: what the API accepts (unknown fields rejected) and what it answers."""
