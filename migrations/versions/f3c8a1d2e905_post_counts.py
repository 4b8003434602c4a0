"""counts on posts: visible comments, reactions, members going

Revision ID: f3c8a1d2e905
Revises: 821db7401e0a
Create Date: 2026-11-26 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3c8a1d2e905'
down_revision = '821db7401e0a'
branch_labels = None
depends_on = None

COUNTS = {
    'comment_count': "SELECT count(*) FROM comments WHERE comments.post_id = posts.id "
    "AND comments.visibility = 'visible' AND comments.deleted_at IS NULL",
    'reaction_count': "SELECT count(*) FROM reactions WHERE reactions.post_id = posts.id",
    'going_count': "SELECT count(*) FROM event_rsvps WHERE event_rsvps.post_id = posts.id "
    "AND event_rsvps.answer = 'going'",
}


def upgrade():
    # Plain ADD COLUMN on both dialects (no table rebuild on SQLite), then the counts of the
    # rows already there.
    for column in COUNTS:
        op.add_column(
            'posts', sa.Column(column, sa.Integer(), server_default='0', nullable=False)
        )
    op.execute(
        "UPDATE posts SET " + ", ".join(f"{column} = ({count})" for column, count in COUNTS.items())
    )


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        for column in COUNTS:
            batch_op.drop_column(column)
