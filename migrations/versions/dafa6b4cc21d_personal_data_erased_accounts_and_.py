"""Personal data: erased accounts and export requests

Revision ID: dafa6b4cc21d
Revises: d883c207ff6e
Create Date: 2026-11-26 14:29:32.279174

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dafa6b4cc21d'
down_revision = 'd883c207ff6e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'ready', 'downloaded', 'expired', name='export_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filename', sa.String(length=80), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('link_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_export_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_requests')),
    sa.UniqueConstraint('link_hash', name=op.f('uq_export_requests_link_hash'))
    )
    with op.batch_alter_table('export_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_export_requests_one_pending', ['user_id'], unique=True, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('export_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_export_requests_one_pending', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_export_requests_user_id'))

    op.drop_table('export_requests')
