"""Report subscriptions by e-mail (issue 15): organisers receive results tables and registration
lists weekly or monthly, with their failures counted

Revision ID: 5eaddc86fa58
Revises: d5fb69f7c59f
Create Date: 2026-12-02 04:38:06.735303

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5eaddc86fa58'
down_revision = 'd5fb69f7c59f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('table', sa.String(length=30), nullable=True),
    sa.Column('scope', sa.String(length=500), server_default='', nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.String(length=32), nullable=False),
    sa.Column('file_format', sa.String(length=32), server_default='xlsx', nullable=False),
    sa.Column('locale', sa.String(length=5), server_default='it', nullable=False),
    sa.Column('next_due_at', sa.DateTime(), nullable=False),
    sa.Column('paused', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_failure', sa.String(length=32), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.Column('disabled_at', sa.DateTime(), nullable=True),
    sa.Column('disabled_reason', sa.String(length=32), nullable=True),
    sa.Column('pending_message_id', sa.Integer(), nullable=True),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_report_subscription_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pending_message_id'], ['outbox_message.id'], name=op.f('fk_report_subscription_pending_message_id_outbox_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_report_subscription_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_subscription'))
    )
    with op.batch_alter_table('report_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_subscription_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_subscription_next_due_at'), ['next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_subscription_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_subscription_user_id'))
        batch_op.drop_index(batch_op.f('ix_report_subscription_next_due_at'))
        batch_op.drop_index(batch_op.f('ix_report_subscription_event_id'))

    op.drop_table('report_subscription')
