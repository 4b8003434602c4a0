"""Spatial SQL that compiles to PostGIS or SpatiaLite: no other module writes any.

PostGIS measures metres on the geography type, through the GiST index on `location::geography`
(migrations); SpatiaLite has no ST_DWithin and measures on the ellipsoid when given a last
argument of 1.
"""

from sqlalchemy import Boolean, Float, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class dwithin_m(FunctionElement):  # noqa: N801 - reads as a SQL function
    """True when two SRID 4326 geometries lie within `metres` of each other."""

    type = Boolean()
    inherit_cache = True
    name = "dwithin_m"


class distance_m(FunctionElement):  # noqa: N801 - reads as a SQL function
    """Distance in metres between two SRID 4326 geometries."""

    type = Float()
    inherit_cache = True
    name = "distance_m"


def intersects(a, b):
    """True when two SRID 4326 geometries share a point (PostGIS reads the column's GiST index)."""
    return func.ST_Intersects(a, b)


@compiles(dwithin_m, "postgresql")
def _dwithin_postgis(element, compiler, **kw):
    a, b, metres = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"ST_DWithin({_geography(a)}, {_geography(b)}, {metres})"


@compiles(distance_m, "postgresql")
def _distance_postgis(element, compiler, **kw):
    a, b = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"ST_Distance({_geography(a)}, {_geography(b)})"


@compiles(dwithin_m, "sqlite")
def _dwithin_spatialite(element, compiler, **kw):
    a, b, metres = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"PtDistWithin({a}, {b}, {metres}, 1)"


@compiles(distance_m, "sqlite")
def _distance_spatialite(element, compiler, **kw):
    a, b = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"ST_Distance({a}, {b}, 1)"


def _geography(sql: str) -> str:
    # A plain cast, without type modifier: the planner uses an expression index only for the
    # very expression it was built on, and GeoAlchemy2's Geography type casts to
    # geography(GEOMETRY,4326), which the index on `location::geography` does not match (every
    # ST_DWithin then read the whole table).
    return f"CAST({sql} AS geography)"
