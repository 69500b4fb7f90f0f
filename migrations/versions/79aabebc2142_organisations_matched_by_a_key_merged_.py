"""organisations matched by a key, merged names kept as aliases

Adds organisation.match_key (computed here for every existing organisation: duplicates made
before are allowed, the organisers' "Possibili doppioni" page lists them for merging),
organisation.declared_kind (the kind someone typing a new organisation said it was) and the
organisation_alias table (names of merged duplicates).

Revision ID: 79aabebc2142
Revises: 21fd3c9faeb3
Create Date: 2026-12-02 00:59:35.337534

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '79aabebc2142'
down_revision = '21fd3c9faeb3'
branch_labels = None
depends_on = None

FILLER_WORDS = frozenset("di del dello della dell dei degli delle d da de e ed il lo la l i gli le"
                         .split())


def organisation_key(name):
    """As fis_events.search.organisation_key when this migration was written (migrations stand alone)."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace(".", "")
    words = [word for word in re.split(r"[\W_]+", text) if word and word not in FILLER_WORDS]
    if len(words) > 1 and (words[0] == "comune" or words[0] == "citta" and words[1] != "metropolitana"):
        words = words[1:]
    return " ".join(words)[:200]


def upgrade():
    op.create_table('organisation_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('match_key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_alias_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_alias')),
    sa.UniqueConstraint('match_key', name=op.f('uq_organisation_alias_match_key'))
    )
    with op.batch_alter_table('organisation_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_alias_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('declared_kind', sa.String(length=32), nullable=True))
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id, name FROM organisation")).all():
        conn.execute(sa.text("UPDATE organisation SET match_key = :key WHERE id = :id"),
                     {"key": organisation_key(row.name), "id": row.id})
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('match_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_index(batch_op.f('ix_organisation_match_key'), ['match_key'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_match_key'))
        batch_op.drop_column('declared_kind')
        batch_op.drop_column('match_key')

    with op.batch_alter_table('organisation_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_alias_organisation_id'))

    op.drop_table('organisation_alias')
