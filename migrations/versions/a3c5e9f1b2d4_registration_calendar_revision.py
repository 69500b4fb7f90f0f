"""a registration's own calendar revision: added to the event's SEQUENCE in the person's calendar
entry, raised when the registration is cancelled (METHOD:CANCEL) or taken up again

Revision ID: a3c5e9f1b2d4
Revises: 7f7882cb3cfa
Create Date: 2026-12-02 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e9f1b2d4'
down_revision = '7f7882cb3cfa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_revision', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('calendar_revision')
