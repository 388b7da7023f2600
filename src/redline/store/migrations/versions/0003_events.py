"""Events coded from articles, and which articles were coded.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from redline.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(32)),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("actor", sa.JSON, nullable=False),
        sa.Column("recipient", sa.JSON, nullable=False),
        sa.Column("actor_codes", sa.Text, nullable=False),
        sa.Column("recipient_codes", sa.Text, nullable=False),
        sa.Column("modality", sa.String(16), nullable=False),
        sa.Column("condition", sa.Text),
        sa.Column("quantities", sa.JSON, nullable=False),
        sa.Column("quote", sa.JSON),
        sa.Column("cameo", sa.String(8), nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("trigger", sa.Text),
        sa.Column("trigger_start", sa.Integer),
        sa.Column("hearsay", sa.Integer, nullable=False),
        sa.Column("future", sa.Integer, nullable=False),
        sa.Column("place", sa.JSON),
        sa.Column("date", sa.String(10)),
        sa.Column("action", sa.String(16)),
    )
    op.create_index("ix_events_article", "events", ["article_id", "seq"], unique=True)
    op.create_index("ix_events_type", "events", ["event"])
    op.create_table(
        "coded_articles",
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("coder", sa.Text, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("coded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("coded_articles")
    op.drop_index("ix_events_type", "events")
    op.drop_index("ix_events_article", "events")
    op.drop_table("events")
