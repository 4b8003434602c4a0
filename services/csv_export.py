"""What every CSV the app hands out goes through."""


def csv_safe(value):
    """Spreadsheets run a cell that starts with = + - @ as a formula: a member's name, a reason
    or a building's name must not become one on a staff member's computer (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
