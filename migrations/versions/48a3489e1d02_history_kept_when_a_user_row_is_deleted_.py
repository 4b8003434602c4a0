"""history kept when a user row is deleted: restrict, not cascade

Neighbours' history and the landlord's figures (memberships and their events, listings, loans,
help, messages, thanks, posts, comments, reactions, answers, votes, reads, bookings,
notifications) must never vanish with a user row: an account is erased by anonymising its row
in place (services/erasure.py), and a row still referenced cannot be deleted at all. A member's
own credentials and settings (tokens, sessions, links, phones, preferences, blocks, calendar
addresses, exports) still go with the row.

PostgreSQL only: SQLite, the embedded development database, does not enforce foreign keys here
(no `PRAGMA foreign_keys`), and changing a key there means rebuilding each table; the
comparison of models and database leaves these keys alone on SQLite (app/schema_migrations.py).

Revision ID: 48a3489e1d02
Revises: dafa6b4cc21d
Create Date: 2026-11-26 15:52:07.376219

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "48a3489e1d02"
down_revision = "dafa6b4cc21d"
branch_labels = None
depends_on = None

# (table, column) of every key to users.id that keeps history.
HISTORY = (
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


def _set_on_delete(action: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in HISTORY:
        name = f"fk_{table}_{column}_users"
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, "users", [column], ["id"], ondelete=action)


def upgrade():
    _set_on_delete("RESTRICT")


def downgrade():
    _set_on_delete("CASCADE")
