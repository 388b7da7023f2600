"""Articles, the raw items ingest has seen, and per-outlet learned boilerplate.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from redline.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("published", UTCDateTime),
        sa.Column("updated", UTCDateTime),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("paragraphs", sa.JSON, nullable=False),
        sa.Column("origin", sa.Text),
        sa.Column("raw_sha", sa.String(64)),
        sa.Column("cleaner", sa.Text),
        sa.Column("ingested_at", UTCDateTime, nullable=False),
        sa.Column("version_of", sa.String(32), sa.ForeignKey("articles.id")),
    )
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_table(
        "raw_items",
        sa.Column("origin", sa.Text, primary_key=True),
        sa.Column("raw_sha", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id")),
        sa.Column("error", sa.Text),
        sa.Column("seen_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "outlet_docs",
        sa.Column("outlet", sa.Text, primary_key=True),
        sa.Column("docs", sa.Integer, nullable=False),
    )
    op.create_table(
        "outlet_lines",
        sa.Column("outlet", sa.Text, primary_key=True),
        sa.Column("line", sa.Text, primary_key=True),
        sa.Column("docs", sa.Integer, nullable=False),
    )
    op.create_index("ix_outlet_lines_docs", "outlet_lines", ["outlet", "docs"])


def downgrade() -> None:
    op.drop_table("outlet_lines")
    op.drop_table("outlet_docs")
    op.drop_table("raw_items")
    op.drop_table("articles")
