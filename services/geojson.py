"""GeoJSON in and out: shapes sent by staff are checked here before they reach the database."""

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.validation import explain_validity

from services.errors import field_error

SRID = 4326


def parse_point(field: str, geojson: dict) -> Point:
    return _parse(field, geojson, ("Point",))


def parse_area(field: str, geojson: dict) -> MultiPolygon:
    """A Polygon or MultiPolygon, returned as a MultiPolygon."""
    geometry = _parse(field, geojson, ("Polygon", "MultiPolygon"))
    return MultiPolygon([geometry]) if isinstance(geometry, Polygon) else geometry


def _parse(field: str, geojson: dict, allowed: tuple[str, ...]):
    kind = geojson.get("type") if isinstance(geojson, dict) else None
    if kind not in allowed:
        raise field_error(
            field, "Expected a GeoJSON geometry of type %(allowed)s.", allowed=" or ".join(allowed)
        )
    try:
        geometry = shape(geojson)
    except Exception:  # shapely raises several types for malformed coordinates
        raise field_error(
            field, "The coordinates of this GeoJSON geometry are malformed."
        ) from None
    if geometry.is_empty:
        raise field_error(field, "The geometry is empty.")
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise field_error(
            field, "Coordinates must be longitude then latitude, in degrees (WGS 84)."
        )
    if not geometry.is_valid:
        raise field_error(field, "Invalid geometry: %(reason)s.", reason=explain_validity(geometry))
    return geometry


def to_column(geometry):
    return from_shape(geometry, srid=SRID)


def to_geojson(column_value) -> dict | None:
    if column_value is None:
        return None
    return mapping(to_shape(column_value))
