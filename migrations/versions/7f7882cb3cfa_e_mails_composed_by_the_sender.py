"""e-mails composed by the sender: a registration's message is queued as its kind and context, its
subject and bodies written when the sender composes it

Revision ID: 7f7882cb3cfa
Revises: 29098fe94900
Create Date: 2026-12-01 22:48:10.266048

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f7882cb3cfa'
down_revision = '29098fe94900'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.alter_column('subject',
               existing_type=sa.VARCHAR(length=300),
               nullable=True)
        batch_op.alter_column('text_body',
               existing_type=sa.TEXT(),
               nullable=True)


def downgrade():
    # The older schema cannot hold a message not yet composed: those still waiting are dropped.
    op.execute("DELETE FROM outbox_message WHERE text_body IS NULL OR subject IS NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('text_body',
               existing_type=sa.TEXT(),
               nullable=False)
        batch_op.alter_column('subject',
               existing_type=sa.VARCHAR(length=300),
               nullable=False)
        batch_op.drop_column('context')
