"""search text of events

Revision ID: 765c8fa2b24f
Revises: e7b4c2a9d3f1
Create Date: 2026-12-02 02:27:58.986412

"""
import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '765c8fa2b24f'
down_revision = 'e7b4c2a9d3f1'
branch_labels = None
depends_on = None


def search_key(*parts):
    """As fis_events.search.search_key when this migration was written (migrations stand alone)."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    text = "".join(c for c in text if not unicodedata.combining(c) and c not in "'’`´")
    return " ".join(text.lower().split())


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    # the words of events.models.event_search_text: beneficiaries, then speakers and their bodies
    words = defaultdict(list)
    for row in conn.execute(sa.text(
            "SELECT eb.event_id, o.name FROM event_beneficiary eb "
            "JOIN organisation o ON o.id = eb.organisation_id ORDER BY eb.event_id, o.name")):
        words[row.event_id].append(row.name)
    for row in conn.execute(sa.text(
            "SELECT ai.event_id, s.name, o.name AS organisation FROM agenda_item ai "
            "JOIN agenda_item_speaker ais ON ais.agenda_item_id = ai.id "
            "JOIN speaker s ON s.id = ais.speaker_id LEFT JOIN organisation o ON o.id = s.organisation_id "
            "ORDER BY ai.event_id, ai.position, ai.id, ais.position, ais.id")):
        words[row.event_id] += [row.name, row.organisation]
    for row in conn.execute(sa.text(
            "SELECT e.id, e.title, e.description, e.city, h.title AS host, h.city AS host_city "
            "FROM event e LEFT JOIN host_event h ON h.id = e.host_event_id")):
        conn.execute(sa.text("UPDATE event SET search_text = :text WHERE id = :id"), {
            "id": row.id, "text": search_key(row.title, row.description, row.city, row.host,
                                             row.host_city, *words[row.id])})


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("search_text")
