"""How Alembic compares the models with a database, shared by `flask db` and the tests."""

from geoalchemy2 import alembic_helpers

from models.base import UTCDateTime

# Tables that PostGIS, SpatiaLite and APScheduler keep for themselves, not declared as models.
EXTENSION_TABLES = {
    "spatial_ref_sys",
    "geography_columns",
    "raster_columns",
    "ElementaryGeometries",
    "KNN",
    "KNN2",
    "SpatialIndex",
    "data_licenses",
    "scheduler_jobs",  # APScheduler's job store (app/scheduler.py)
}
EXTENSION_TABLE_PREFIXES = (
    "geometry_columns",
    "spatial_ref_sys",
    "spatialite_",
    "sql_statements_log",
    "views_geometry_columns",
    "virts_geometry_columns",
    "vector_layers",
    "idx_",  # SpatiaLite's R*Tree spatial indexes
)
# Built by migrations only, because SQLAlchemy cannot declare them portably.
MIGRATION_ONLY_INDEXES = {"ix_residences_location_geography", "ix_listings_search"}


def include_object(obj, name, obj_type, reflected, compare_to):
    if (
        obj_type == "table"
        and reflected
        and compare_to is None
        and (name in EXTENSION_TABLES or name.startswith(EXTENSION_TABLE_PREFIXES))
    ):
        return False
    if obj_type == "index" and name in MIGRATION_ONLY_INDEXES:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def render_item(type_, obj, autogen_context):
    """Write our column types as plain SQLAlchemy ones, so revisions never import the models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return alembic_helpers.render_item(type_, obj, autogen_context)


MIGRATE_OPTIONS = {
    "include_object": include_object,
    "render_item": render_item,
    "process_revision_directives": alembic_helpers.writer,
    "compare_type": True,
}
