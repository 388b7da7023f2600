"""The watch: indicator and stage history, alerts and their deliveries.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from redline.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_states",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("watchlist", sa.String(64), nullable=False),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("as_of", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_indicator_states_latest", "indicator_states", ["watchlist", "indicator", "id"])
    op.create_table(
        "stage_states",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("watchlist", sa.String(64), nullable=False),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("as_of", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_stage_states_latest", "stage_states", ["watchlist", "id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("watchlist", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("before", sa.String(64), nullable=False),
        sa.Column("after", sa.String(64), nullable=False),
        sa.Column("alert", sa.JSON, nullable=False),
        sa.Column("as_of", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_alerts_watchlist", "alerts", ["watchlist", "id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), primary_key=True),
        sa.Column("sink", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("alert_deliveries", "alerts", "stage_states", "indicator_states"):
        op.drop_table(table)
