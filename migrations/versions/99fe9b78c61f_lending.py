"""lending and mutual help: listings, photos, loans, exchanges, messages, thanks

Revision ID: 99fe9b78c61f
Revises: ea9c914c8ea8
Create Date: 2026-11-24 18:07:55.506323

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '99fe9b78c61f'
down_revision = 'ea9c914c8ea8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('lend', 'give', 'offer_help', 'request_help', name='listing_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('estimated_value_eur', sa.Integer(), nullable=True),
    sa.Column('scope', sa.Enum('building', 'residence', 'nearby', name='listing_scope', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'paused', 'closed', name='listing_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('visibility', sa.Enum('visible', 'hidden', name='listing_visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scope <> 'building' OR building_id IS NOT NULL", name=op.f('ck_listings_building_scope_has_building')),
    sa.CheckConstraint('estimated_value_eur BETWEEN 0 AND 10000', name=op.f('ck_listings_value_plausible')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_listings_building_id_buildings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_listings_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_listings_residence_id_residences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings'))
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listings_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_listings_residence_created', ['residence_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_residence_id'), ['residence_id'], unique=False)

    op.create_table('help_exchanges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'done', 'declined', 'cancelled', name='exchange_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('member_id <> owner_id', name=op.f('ck_help_exchanges_not_own_listing')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_help_exchanges_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_help_exchanges_member_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_help_exchanges_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_help_exchanges_residence_id_residences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_exchanges'))
    )
    with op.batch_alter_table('help_exchanges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_exchanges_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_exchanges_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_exchanges_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_exchanges_residence_id'), ['residence_id'], unique=False)
        batch_op.create_index('uq_help_exchanges_one_gift_taker', ['listing_id'], unique=True, postgresql_where=sa.text("exclusive AND status IN ('accepted', 'done')"), sqlite_where=sa.text("exclusive AND status IN ('accepted', 'done')"))

    op.create_table('listing_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_photos_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_photos')),
    sa.UniqueConstraint('filename', name=op.f('uq_listing_photos_filename')),
    sa.UniqueConstraint('listing_id', 'position', name=op.f('uq_listing_photos_listing_id_position'))
    )
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_photos_listing_id'), ['listing_id'], unique=False)

    op.create_table('loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('residence_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'accepted', 'handed_over', 'returned', 'declined', 'cancelled', name='loan_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('overdue_since', sa.Date(), nullable=True),
    sa.Column('due_reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('borrower_id <> owner_id', name=op.f('ck_loans_not_own_object')),
    sa.CheckConstraint('due_on >= starts_on', name=op.f('ck_loans_period_ordered')),
    sa.ForeignKeyConstraint(['borrower_id'], ['users.id'], name=op.f('fk_loans_borrower_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_loans_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_loans_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['residence_id'], ['residences.id'], name=op.f('fk_loans_residence_id_residences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loans'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # An object is never promised twice over overlapping days (needs btree_gist).
        op.execute(
            "ALTER TABLE loans ADD CONSTRAINT ex_loans_no_overlap EXCLUDE USING gist "
            "(listing_id WITH =, daterange(starts_on, due_on, '[]') WITH &&) "
            "WHERE (status IN ('accepted', 'handed_over'))"
        )
        # French full-text search over listings (services/listings.py searches this expression).
        op.execute(
            "CREATE INDEX ix_listings_search ON listings USING gin "
            "(to_tsvector('french', title || ' ' || description))"
        )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_residence_id'), ['residence_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('exchange_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('visibility', sa.Enum('visible', 'hidden', name='message_visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(loan_id IS NULL) <> (exchange_id IS NULL)', name=op.f('ck_messages_one_deal')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exchange_id'], ['help_exchanges.id'], name=op.f('fk_messages_exchange_id_help_exchanges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_messages_loan_id_loans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_exchange_id'), ['exchange_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_loan_id'), ['loan_id'], unique=False)

    op.create_table('thanks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('exchange_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=280), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(loan_id IS NULL) <> (exchange_id IS NULL)', name=op.f('ck_thanks_one_deal')),
    sa.CheckConstraint('author_id <> recipient_id', name=op.f('ck_thanks_not_to_self')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_thanks_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exchange_id'], ['help_exchanges.id'], name=op.f('fk_thanks_exchange_id_help_exchanges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_thanks_loan_id_loans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_thanks_recipient_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thanks')),
    sa.UniqueConstraint('exchange_id', 'author_id', name=op.f('uq_thanks_exchange_id_author_id')),
    sa.UniqueConstraint('loan_id', 'author_id', name=op.f('uq_thanks_loan_id_author_id'))
    )
    with op.batch_alter_table('thanks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thanks_recipient_id'), ['recipient_id'], unique=False)



def downgrade():
    with op.batch_alter_table('thanks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thanks_recipient_id'))

    op.drop_table('thanks')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_loan_id'))
        batch_op.drop_index(batch_op.f('ix_messages_exchange_id'))

    op.drop_table('messages')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_residence_id'))
        batch_op.drop_index(batch_op.f('ix_loans_owner_id'))
        batch_op.drop_index(batch_op.f('ix_loans_listing_id'))
        batch_op.drop_index(batch_op.f('ix_loans_borrower_id'))

    op.drop_table('loans')
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_photos_listing_id'))

    op.drop_table('listing_photos')
    with op.batch_alter_table('help_exchanges', schema=None) as batch_op:
        batch_op.drop_index('uq_help_exchanges_one_gift_taker', postgresql_where=sa.text("exclusive AND status IN ('accepted', 'done')"), sqlite_where=sa.text("exclusive AND status IN ('accepted', 'done')"))
        batch_op.drop_index(batch_op.f('ix_help_exchanges_residence_id'))
        batch_op.drop_index(batch_op.f('ix_help_exchanges_owner_id'))
        batch_op.drop_index(batch_op.f('ix_help_exchanges_member_id'))
        batch_op.drop_index(batch_op.f('ix_help_exchanges_listing_id'))

    op.drop_table('help_exchanges')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listings_residence_id'))
        batch_op.drop_index('ix_listings_residence_created')
        batch_op.drop_index(batch_op.f('ix_listings_owner_id'))

    op.drop_table('listings')
