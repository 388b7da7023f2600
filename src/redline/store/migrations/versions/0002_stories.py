"""Copies and stories: duplicate/derived links with shared passages, article embeddings, stories and merges.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from redline.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.String(32)))
        batch.add_column(sa.Column("derived_from", sa.String(32)))
        batch.add_column(sa.Column("shared_passages", sa.JSON))
        batch.add_column(sa.Column("story_id", sa.String(64)))
        batch.create_index("ix_articles_story", ["story_id"])
    op.create_table(
        "article_vectors",
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("embedding", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("first_seen", UTCDateTime),
        sa.Column("last_seen", UTCDateTime),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("merged_into", sa.String(64)),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "story_merges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("from_story", sa.String(64), nullable=False),
        sa.Column("into_story", sa.String(64), nullable=False),
        sa.Column("merged_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("story_merges")
    op.drop_table("stories")
    op.drop_table("article_vectors")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_story")
        batch.drop_column("story_id")
        batch.drop_column("shared_passages")
        batch.drop_column("derived_from")
        batch.drop_column("duplicate_of")
