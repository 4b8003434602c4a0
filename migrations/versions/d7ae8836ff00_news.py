"""neighbourhood news: posts, targets, comments, reactions, events, polls, reads

Revision ID: d7ae8836ff00
Revises: e603bd57bc8a
Create Date: 2026-11-24 18:52:13.426745

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7ae8836ff00'
down_revision = 'e603bd57bc8a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('post', 'event', 'poll', 'announcement', 'alert', name='post_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('scope', sa.Enum('building', 'residence', 'nearby', 'area', name='post_scope', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('radius_m', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.Enum('visible', 'hidden', name='post_visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pinned_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('targeted_count', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results_after_close', sa.Boolean(), nullable=False),
    sa.Column('closing_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at IS NULL OR ends_at > starts_at', name=op.f('ck_posts_event_ordered')),
    sa.CheckConstraint('radius_m IS NULL OR radius_m BETWEEN 100 AND 5000', name=op.f('ck_posts_radius')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_posts_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_posts_residence_id_residences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_posts_space_id_spaces'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_posts_published', ['published_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_residence_id'), ['residence_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('visibility', sa.Enum('visible', 'hidden', name='comment_visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_comments_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_post', ['post_id', 'id'], unique=False)

    op.create_table('event_rsvps',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('going', 'maybe', 'no', name='rsvp_answer', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_event_rsvps_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_rsvps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_event_rsvps'))
    )
    op.create_table('poll_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_poll_options_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_options')),
    sa.UniqueConstraint('post_id', 'position', name=op.f('uq_poll_options_post_id_position'))
    )
    op.create_table('post_buildings',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_post_buildings_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_buildings_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'building_id', name=op.f('pk_post_buildings'))
    )
    with op.batch_alter_table('post_buildings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_buildings_building_id'), ['building_id'], unique=False)

    op.create_table('post_photos',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_photos_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_photos')),
    sa.UniqueConstraint('filename', name=op.f('uq_post_photos_filename')),
    sa.UniqueConstraint('post_id', 'position', name=op.f('uq_post_photos_post_id_position'))
    )
    with op.batch_alter_table('post_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_photos_post_id'), ['post_id'], unique=False)

    op.create_table('post_reads',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_reads_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_post_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_post_reads'))
    )
    op.create_table('post_residences',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_residences_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_post_residences_residence_id_residences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'residence_id', name=op.f('pk_post_residences'))
    )
    with op.batch_alter_table('post_residences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_residences_residence_id'), ['residence_id'], unique=False)

    op.create_table('reactions',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.CheckConstraint("kind IN ('like', 'thanks', 'love', 'laugh', 'sad')", name=op.f('ck_reactions_known')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_reactions_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_reactions'))
    )
    op.create_table('votes',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['poll_options.id'], name=op.f('fk_votes_option_id_poll_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_votes_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_votes'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_option_id'), ['option_id'], unique=False)



def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_option_id'))

    op.drop_table('votes')
    op.drop_table('reactions')
    with op.batch_alter_table('post_residences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_residences_residence_id'))

    op.drop_table('post_residences')
    op.drop_table('post_reads')
    with op.batch_alter_table('post_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_photos_post_id'))

    op.drop_table('post_photos')
    with op.batch_alter_table('post_buildings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_buildings_building_id'))

    op.drop_table('post_buildings')
    op.drop_table('poll_options')
    op.drop_table('event_rsvps')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_post')

    op.drop_table('comments')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posts_residence_id'))
        batch_op.drop_index('ix_posts_published')
        batch_op.drop_index(batch_op.f('ix_posts_author_id'))

    op.drop_table('posts')
