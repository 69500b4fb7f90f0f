"""staff sessions revocable (user.session_version) and the minutes a platform report measured
(attendance_evidence.minutes)

Revision ID: a3c5e1d2b9f0
Revises: 79aabebc2142
Create Date: 2026-12-02 01:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e1d2b9f0'
down_revision = '79aabebc2142'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('attendance_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('attendance_evidence', schema=None) as batch_op:
        batch_op.drop_column('minutes')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
