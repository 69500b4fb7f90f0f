"""event page content of an Italian public event page: audience, costs, organiser, patronage,
contact points, further information (event.audience ... event.more_info)

Revision ID: e7b4c2a9d3f1
Revises: c6f620f211db
Create Date: 2026-12-02 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b4c2a9d3f1'
down_revision = 'c6f620f211db'
branch_labels = None
depends_on = None

COLUMNS = (
    ('audience', sa.Text()),
    ('costs', sa.Text()),
    ('organised_by', sa.String(300)),
    ('patronage', sa.String(300)),
    ('contact_email', sa.String(254)),
    ('contact_phone', sa.String(40)),
    ('more_info', sa.Text()),
)


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)
