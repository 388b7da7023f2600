"""Briefs written, so that the next one tells what changed since.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from redline.store.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("since", UTCDateTime),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("stories", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("briefs")
