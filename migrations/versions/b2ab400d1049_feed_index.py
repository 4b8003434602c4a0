"""feed in index order: publication time on post targets

Revision ID: b2ab400d1049
Revises: d7ae8836ff00
Create Date: 2026-11-24 19:06:11.039570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2ab400d1049'
down_revision = 'd7ae8836ff00'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post_buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_post_buildings_building_id'))
        batch_op.create_index('ix_post_buildings_recent', ['building_id', 'published_at', 'post_id'], unique=False)

    with op.batch_alter_table('post_residences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_post_residences_residence_id'))
        batch_op.create_index('ix_post_residences_recent', ['residence_id', 'published_at', 'post_id'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_pinned', ['pinned_until'], unique=False, postgresql_where=sa.text('pinned_until IS NOT NULL'), sqlite_where=sa.text('pinned_until IS NOT NULL'))
        batch_op.create_index('ix_posts_residence_recent', ['residence_id', 'published_at', 'id'], unique=False)

    # Existing targets take their post's publication time.
    for table in ("post_residences", "post_buildings"):
        op.execute(
            f"UPDATE {table} SET published_at = "
            f"(SELECT posts.published_at FROM posts WHERE posts.id = {table}.post_id)"
        )



def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_residence_recent')
        batch_op.drop_index('ix_posts_pinned', postgresql_where=sa.text('pinned_until IS NOT NULL'), sqlite_where=sa.text('pinned_until IS NOT NULL'))

    with op.batch_alter_table('post_residences', schema=None) as batch_op:
        batch_op.drop_index('ix_post_residences_recent')
        batch_op.create_index(batch_op.f('ix_post_residences_residence_id'), ['residence_id'], unique=False)
        batch_op.drop_column('published_at')

    with op.batch_alter_table('post_buildings', schema=None) as batch_op:
        batch_op.drop_index('ix_post_buildings_recent')
        batch_op.create_index(batch_op.f('ix_post_buildings_building_id'), ['building_id'], unique=False)
        batch_op.drop_column('published_at')

