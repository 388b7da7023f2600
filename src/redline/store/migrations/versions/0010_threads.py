"""Threads of stories: a story is one development; the stories of one subject over a long crisis form a thread.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("thread_id", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("thread_id")
