"""Distances in metres that compile to PostGIS or SpatiaLite, so that no other SQL is spatial.

PostGIS measures on the geography type (and can use an index on `location::geography`);
SpatiaLite has no ST_DWithin and measures on the ellipsoid when given a last argument of 1.
"""

from geoalchemy2 import Geography
from sqlalchemy import Boolean, Float, cast, func
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


@compiles(dwithin_m, "postgresql")
def _dwithin_postgis(element, compiler, **kw):
    a, b, metres = element.clauses
    return compiler.process(_geography_call("ST_DWithin", a, b, metres), **kw)


@compiles(distance_m, "postgresql")
def _distance_postgis(element, compiler, **kw):
    a, b = element.clauses
    return compiler.process(_geography_call("ST_Distance", a, b), **kw)


@compiles(dwithin_m, "sqlite")
def _dwithin_spatialite(element, compiler, **kw):
    a, b, metres = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"PtDistWithin({a}, {b}, {metres}, 1)"


@compiles(distance_m, "sqlite")
def _distance_spatialite(element, compiler, **kw):
    a, b = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"ST_Distance({a}, {b}, 1)"


def _geography_call(name, a, b, *rest):
    return getattr(func, name)(cast(a, Geography), cast(b, Geography), *rest)
