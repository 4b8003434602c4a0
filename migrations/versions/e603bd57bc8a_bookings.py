"""shared spaces and bookings

Revision ID: e603bd57bc8a
Revises: 99fe9b78c61f
Create Date: 2026-11-24 18:22:09.784706

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'e603bd57bc8a'
down_revision = '99fe9b78c61f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('spaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('min_duration_min', sa.Integer(), nullable=False),
    sa.Column('max_duration_min', sa.Integer(), nullable=False),
    sa.Column('slot_min', sa.Integer(), nullable=False),
    sa.Column('min_notice_min', sa.Integer(), nullable=False),
    sa.Column('max_advance_days', sa.Integer(), nullable=False),
    sa.Column('max_future_bookings', sa.Integer(), nullable=True),
    sa.Column('max_hours_per_week', sa.Integer(), nullable=True),
    sa.Column('buffer_min', sa.Integer(), nullable=False),
    sa.Column('approval_required', sa.Boolean(), nullable=False),
    sa.Column('cancellation_deadline_min', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_spaces_capacity_positive')),
    sa.CheckConstraint('min_duration_min > 0 AND max_duration_min >= min_duration_min', name=op.f('ck_spaces_durations')),
    sa.CheckConstraint('min_notice_min >= 0 AND max_advance_days > 0 AND buffer_min >= 0 AND cancellation_deadline_min >= 0', name=op.f('ck_spaces_delays_not_negative')),
    sa.CheckConstraint('slot_min > 0 AND slot_min <= 1440', name=op.f('ck_spaces_slot')),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_spaces_residence_id_residences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spaces'))
    )
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spaces_residence_id'), ['residence_id'], unique=False)

    op.create_table('booking_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_booking_series_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_booking_series_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_series'))
    )
    with op.batch_alter_table('booking_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_series_space_id'), ['space_id'], unique=False)

    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_calendar_feeds_space_id_spaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)

    op.create_table('closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_closures_ordered')),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_closures_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closures'))
    )
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closures_space_id'), ['space_id'], unique=False)

    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens_min', sa.Integer(), nullable=False),
    sa.Column('closes_min', sa.Integer(), nullable=False),
    sa.CheckConstraint('opens_min >= 0 AND closes_min <= 1440 AND opens_min < closes_min', name=op.f('ck_opening_hours_range')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_opening_hours_weekday')),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_opening_hours_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours'))
    )
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opening_hours_space_id'), ['space_id'], unique=False)

    op.create_table('space_photos',
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_space_photos_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_photos')),
    sa.UniqueConstraint('filename', name=op.f('uq_space_photos_filename')),
    sa.UniqueConstraint('space_id', 'position', name=op.f('uq_space_photos_space_id_position'))
    )
    with op.batch_alter_table('space_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_photos_space_id'), ['space_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'declined', 'cancelled', name='booking_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.String(length=300), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at AND blocked_until >= ends_at', name=op.f('ck_bookings_ordered')),
    sa.CheckConstraint('people > 0', name=op.f('ck_bookings_people_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_bookings_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_bookings_member_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_bookings_residence_id_residences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['booking_series.id'], name=op.f('fk_bookings_series_id_booking_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_bookings_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Confirmed bookings of a space never overlap, cleaning buffer included (btree_gist).
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
            "(space_id WITH =, tstzrange(starts_at, blocked_until) WITH &&) "
            "WHERE (status = 'confirmed')"
        )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_residence_id'), ['residence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_series_id'), ['series_id'], unique=False)
        batch_op.create_index('ix_bookings_space_starts', ['space_id', 'starts_at'], unique=False)

    # A plain ADD COLUMN: a batch would copy the table, which SpatiaLite's geometry triggers refuse.
    op.add_column('residences', sa.Column('solidaires_manage_spaces', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('residences', schema=None) as batch_op:
        batch_op.drop_column('solidaires_manage_spaces')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_space_starts')
        batch_op.drop_index(batch_op.f('ix_bookings_series_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_residence_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_member_id'))

    op.drop_table('bookings')
    with op.batch_alter_table('space_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_photos_space_id'))

    op.drop_table('space_photos')
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opening_hours_space_id'))

    op.drop_table('opening_hours')
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closures_space_id'))

    op.drop_table('closures')
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))

    op.drop_table('calendar_feeds')
    with op.batch_alter_table('booking_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_series_space_id'))

    op.drop_table('booking_series')
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spaces_residence_id'))

    op.drop_table('spaces')
