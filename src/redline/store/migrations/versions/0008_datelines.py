"""An article's dateline: its place, and the wire whose copy it is (the source it counts for).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("place", sa.Text))
        batch.add_column(sa.Column("wire", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("wire")
        batch.drop_column("place")
