"""staged attendance reports: uploads wait in the database between preview and confirmation

Revision ID: 29098fe94900
Revises: 1b709e1a059e
Create Date: 2026-12-01 21:27:39.547273

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '29098fe94900'
down_revision = '1b709e1a059e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staged_report',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_staged_report_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_staged_report_uploaded_by_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_staged_report'))
    )
    with op.batch_alter_table('staged_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_report_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_report_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_report_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('staged_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_report_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_staged_report_expires_at'))
        batch_op.drop_index(batch_op.f('ix_staged_report_event_id'))

    op.drop_table('staged_report')
