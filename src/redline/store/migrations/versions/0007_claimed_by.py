"""Who claims or denies an event: the claimant of a reported act, the denier of a denied one.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("claimed_by", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("claimed_by")
