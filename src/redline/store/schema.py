"""The tables, as SQLAlchemy Core. Alembic migrations in `migrations/versions` create and change them."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, BigInteger, Column, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite has no time zones of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: redline stores only timezone-aware datetimes")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),  # hash of the normalised text
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("authors", JSON, nullable=False),  # [{"name", "email"}]
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("paragraphs", JSON, nullable=False),
    Column("origin", Text),  # the RawItem it came from: path, URL, path#record
    Column("raw_sha", String(64)),
    Column("cleaner", Text),
    Column("ingested_at", UTCDateTime, nullable=False),
    Column("version_of", String(32), ForeignKey("articles.id")),  # the earlier version (same URL, other text)
    Column("duplicate_of", String(32)),  # the first copy of this text (near-duplicate): not new evidence
    Column("derived_from", String(32)),  # the article whose passages this one reuses (wire copy, rewrite)
    Column("shared_passages", JSON),  # [{start, end, source_start, source_end, words}]
    Column("story_id", String(64)),
    Column("place", Text),  # the dateline's place
    Column("wire", Text),  # the dateline's credit: whose copy it is, the source it counts for
    Index("ix_articles_url", "url"),
    Index("ix_articles_story", "story_id"),
    Index("ix_articles_outlet", "outlet"),
    Index("ix_articles_published", "published"),
)

# Every item ingest has seen, by origin: makes re-runs skip finished work and keeps the last error of a bad one.
raw_items = Table(
    "raw_items",
    metadata,
    Column("origin", Text, primary_key=True),
    Column("raw_sha", String(64)),
    Column("status", String(16), nullable=False),  # stored | duplicate | failed
    Column("article_id", String(32), ForeignKey("articles.id")),
    Column("error", Text),
    Column("seen_at", UTCDateTime, nullable=False),
)

# Per-outlet boilerplate learned from the documents themselves: how many documents of an outlet hold a line.
outlet_docs = Table(
    "outlet_docs",
    metadata,
    Column("outlet", Text, primary_key=True),
    Column("docs", Integer, nullable=False),
)

outlet_lines = Table(
    "outlet_lines",
    metadata,
    Column("outlet", Text, primary_key=True),
    Column("line", Text, primary_key=True),  # normalised line text
    Column("docs", Integer, nullable=False),
    Index("ix_outlet_lines_docs", "outlet", "docs"),
)

# The sentence embedding of each article (float32 bytes): stories are rebuilt from it without the model.
article_vectors = Table(
    "article_vectors",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("embedding", LargeBinary, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text),
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("size", Integer, nullable=False),
    Column("merged_into", String(64)),  # set when the story turned out to be part of another
    # the first story of the thread this one belongs to (itself for that one): later developments of one subject
    Column("thread_id", String(64)),
    Column("updated_at", UTCDateTime, nullable=False),
)

story_merges = Table(
    "story_merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("from_story", String(64), nullable=False),
    Column("into_story", String(64), nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
)

# Events coded from articles: one row per event, in the article's reading order, with its evidence offsets.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id"), nullable=False),
    Column("seq", Integer, nullable=False),  # the event's place in its article
    Column("event", String(16), nullable=False),  # PLOVER type
    Column("mode", String(32)),
    Column("context", JSON, nullable=False),
    Column("actor", JSON, nullable=False),  # [{text, code, sector}]
    Column("recipient", JSON, nullable=False),
    # " KOR PRK ": the codes, for filtering with LIKE; a reciprocal event's parties are on both sides
    Column("actor_codes", Text, nullable=False),
    Column("recipient_codes", Text, nullable=False),
    Column("modality", String(16), nullable=False),
    Column("condition", Text),
    Column("quantities", JSON, nullable=False),
    Column("quote", JSON),
    Column("cameo", String(8), nullable=False),
    Column("sentence", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("trigger", Text),
    Column("trigger_start", Integer),
    Column("hearsay", Integer, nullable=False),
    Column("future", Integer, nullable=False),
    Column("place", JSON),
    Column("date", String(10)),
    Column("action", String(16)),  # the act itself when the event is an intention (AGREE to AID)
    Column("claimed_by", JSON),  # {text, code, sector}: who claims (reported) or denies (denied) it
    Column("reciprocal", Integer, nullable=False, server_default="0"),  # the parties act on each other
    Index("ix_events_article", "article_id", "seq", unique=True),
    Index("ix_events_type", "event"),
)

# Which articles the coder has read (with or without events), and with which coder: resumable back-fills.
coded_articles = Table(
    "coded_articles",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("coder", Text, nullable=False),
    Column("events", Integer, nullable=False),
    Column("coded_at", UTCDateTime, nullable=False),
)

# The watch: every indicator reading and stage that differed from the one before (history, never overwritten),
# and the alerts raised on each change of level or stage, with where each was delivered.
indicator_states = Table(
    "indicator_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(64), nullable=False),
    Column("version", String(16), nullable=False),  # the watchlist file's hash
    Column("indicator", String(64), nullable=False),
    Column("level", String(32), nullable=False),
    Column("value", Float),
    Column("state", JSON, nullable=False),  # IndicatorState.to_json()
    Column("as_of", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ix_indicator_states_latest", "watchlist", "indicator", "id"),
)

stage_states = Table(
    "stage_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(64), nullable=False),
    Column("version", String(16), nullable=False),
    Column("level", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("state", JSON, nullable=False),  # StageState.to_json()
    Column("as_of", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ix_stage_states_latest", "watchlist", "id"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # indicator | stage
    Column("subject", String(64), nullable=False),
    Column("before", String(64), nullable=False),
    Column("after", String(64), nullable=False),
    Column("alert", JSON, nullable=False),  # Alert.to_json()
    Column("as_of", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_alerts_watchlist", "watchlist", "id"),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    Column("sink", String(200), primary_key=True),  # "webhook http://…", "email a@b", "jsonl path"
    Column("status", String(16), nullable=False),  # delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("at", UTCDateTime, nullable=False),
)

# Briefs written: the next brief tells what changed since the last one.
briefs = Table(
    "briefs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("since", UTCDateTime),
    Column("format", String(8), nullable=False),
    Column("stories", Integer, nullable=False),
)

# Collected sources: where each one stands (validators for conditional GET, when it is due) and its health.
collect_sources = Table(
    "collect_sources",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("polls", Integer, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("consecutive_failures", Integer, nullable=False),
    Column("consecutive_empty", Integer, nullable=False),  # polls in a row that brought nothing new
    Column("items", Integer, nullable=False),  # articles stored from it, all time
    Column("first_polled", UTCDateTime),
    Column("last_polled", UTCDateTime),
    Column("last_success", UTCDateTime),
    Column("last_status", String(40)),  # "200", "304", "error"
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("latency_ms", Float),
    Column("next_due", UTCDateTime),
)

# Backfill shards done: a shard (one WARC or JSONL file, named by its path and size) recorded here is not read
# again when a stopped backfill is started again.
backfill_shards = Table(
    "backfill_shards",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("path", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("items", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
)
