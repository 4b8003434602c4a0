"""How Alembic compares the models with a database, shared by `flask db` and the tests."""

from alembic import context
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


# Keys to users that keep neighbours' history: RESTRICT on PostgreSQL (revision 48a3489e1d02).
# SQLite, the embedded development database, enforces no foreign key here and would rebuild
# each table to change one: there they stay as first created, and are not compared.
KEYS_RESTRICTED_ON_POSTGRESQL_ONLY = {
    f"fk_{table}_{column}_users"
    for table, column in (
        ("bookings", "member_id"),
        ("comments", "author_id"),
        ("event_rsvps", "user_id"),
        ("help_exchanges", "owner_id"),
        ("help_exchanges", "member_id"),
        ("listings", "owner_id"),
        ("loans", "owner_id"),
        ("loans", "borrower_id"),
        ("membership_events", "user_id"),
        ("memberships", "user_id"),
        ("messages", "author_id"),
        ("notifications", "recipient_id"),
        ("post_reads", "user_id"),
        ("posts", "author_id"),
        ("reactions", "user_id"),
        ("thanks", "author_id"),
        ("thanks", "recipient_id"),
        ("votes", "user_id"),
    )
}


def include_object(obj, name, obj_type, reflected, compare_to):
    if (
        obj_type == "foreign_key_constraint"
        and name in KEYS_RESTRICTED_ON_POSTGRESQL_ONLY
        and _dialect_name() == "sqlite"
    ):
        return False
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


def _dialect_name() -> str | None:
    """The database `flask db` compares with (None outside its environment, as in tests that
    compare PostgreSQL themselves)."""
    try:
        return context.get_bind().dialect.name
    except (AttributeError, NameError):
        return None


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
