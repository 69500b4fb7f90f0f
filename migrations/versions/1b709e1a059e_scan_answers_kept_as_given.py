"""scan answers kept as given: the earlier entry an answer named, results up to 32 characters

Scan rows are never updated, so an answer keeps what it told the door about an earlier entry
(time, door, who) for a replayed nonce. Rows logged before this revision have none.

Revision ID: 1b709e1a059e
Revises: 6de0707ede04
Create Date: 2026-12-01 21:29:33.468412

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1b709e1a059e'
down_revision = '6de0707ede04'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('previous_door', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('previous_by_id', sa.Integer(), nullable=True))
        batch_op.alter_column('result',
               existing_type=sa.VARCHAR(length=20),
               type_=sa.String(length=32),
               existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_scan_previous_by_id'), ['previous_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_scan_previous_by_id_user'), 'user', ['previous_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('scan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scan_previous_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_scan_previous_by_id'))
        batch_op.alter_column('result',
               existing_type=sa.String(length=32),
               type_=sa.VARCHAR(length=20),
               existing_nullable=False)
        batch_op.drop_column('previous_by_id')
        batch_op.drop_column('previous_door')
        batch_op.drop_column('previous_at')
