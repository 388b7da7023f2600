"""The one storage layer: SQLAlchemy 2 over SQLite (WAL) by default, any SQLAlchemy URL (PostgreSQL) by setting.

Writes are idempotent, keyed by content hashes and origins, so re-running any stage never duplicates. The schema
is versioned with Alembic; opening a store brings it to the latest revision.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import String, Text, and_, cast, create_engine, event, func, insert, or_, select, true, type_coerce
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from redline.errors import ItemError, StoreError
from redline.records import Alert, Article, Author, IndicatorState, StageState, utcnow
from redline.settings import Settings
from redline.store.schema import (alert_deliveries, alerts, article_vectors, articles, backfill_shards, briefs,
                                   coded_articles, collect_sources, events,
                                   indicator_states, metadata, outlet_docs, outlet_lines, raw_items, stage_states,
                                   stories, story_merges)

__all__ = ["Store", "Outcome", "metadata"]

# Lines longer than this are article text, not boilerplate: they are not counted for learning.
LEARN_MAX_CHARS = 300
# Concurrent writers on PostgreSQL (two ingests, an ingest and the web's POST) can deadlock — one holds a report the
# other is storing while it waits for the outlet's counts the other holds — or meet on a unique key a moment apart:
# the whole transaction is then written again, and its reads see what the other committed (a report already stored
# is a duplicate). SQLite has one writer at a time and never gets here.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "23505"})  # deadlock, serialization failure, unique violation
WRITE_ATTEMPTS = 5
# How many outlets' learned-boilerplate sets are kept in memory between batches.
LEARNED_CACHE_SIZE = 256
MIGRATION_LOCK = 0x7265646C  # "redl": the PostgreSQL advisory lock migrations hold


@dataclass
class Outcome:
    """What ingest made of one item: an article to store, or the error that stopped it."""

    origin: str
    raw_sha: str | None
    article: Article | None = None
    source_lines: list[str] | None = None
    error: ItemError | None = None
    vector: bytes | None = None  # the article's sentence embedding, float32


class Store:
    def __init__(self, url: str, *, settings: Settings | None = None):
        self.url = url
        self.settings = settings or Settings()
        self.engine: Engine = _engine(url)
        self._learned: dict[str, frozenset[str]] = {}
        self.upgrade()

    @classmethod
    def open(cls, settings: Settings) -> "Store":
        return cls(settings.db_url, settings=settings)

    # --- schema ------------------------------------------------------------------------------------------------

    def upgrade(self) -> None:
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        # At head, no write lock is taken: the web app opening a store that ingest is writing to does not wait.
        try:
            if self.revision() == ScriptDirectory.from_config(config).get_current_head():
                return
        except Exception:  # noqa: BLE001 - not readable as a store yet: the migration below says why
            pass
        engine = _migrating_engine(self.engine)
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":  # processes starting at once migrate one at a time
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except Exception as exc:  # noqa: BLE001 - any failure here means the store cannot be used
            raise StoreError(f"cannot open or migrate the database at {self.url}: {exc}") from exc
        finally:
            if engine is not self.engine:
                engine.dispose()

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # --- ingest bookkeeping ------------------------------------------------------------------------------------

    def seen(self, origin: str, raw_sha: str | None = None) -> bool:
        """True when this exact item (origin, and content if given) was already stored or found a duplicate."""
        query = select(raw_items.c.raw_sha).where(
            raw_items.c.origin == origin, raw_items.c.status.in_(("stored", "duplicate"))
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).first()
        return found is not None and (raw_sha is None or found.raw_sha == raw_sha)

    def write(self, outcomes: Iterable[Outcome]) -> list[str]:
        """Store a batch in one transaction; returns each outcome's status: stored, duplicate or failed."""
        outcomes = list(outcomes)  # a retried transaction writes them again
        statuses = self._transaction(lambda connection: [self._write_one(connection, o) for o in outcomes])
        self._learned.clear()  # counts changed: learned boilerplate is read again when next needed
        return statuses

    def _transaction(self, work: Callable[[Connection], object]):
        """`work(connection)` in one transaction, written again when a concurrent writer made it fail."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self.engine.begin() as connection:
                    return work(connection)
            except DBAPIError as exc:
                if attempt == WRITE_ATTEMPTS or getattr(exc.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES:
                    raise
                time.sleep(random.uniform(0, 0.05 * attempt))  # apart, so that the two writers do not meet again

    def _write_one(self, connection: Connection, outcome: Outcome) -> str:
        article = outcome.article
        if article is None:
            _upsert_raw(connection, outcome, "failed", None, str(outcome.error.reason if outcome.error else ""))
            return "failed"
        exists = connection.execute(select(articles.c.id).where(articles.c.id == article.id)).first()
        if exists:
            _upsert_raw(connection, outcome, "duplicate", article.id, None)
            return "duplicate"
        article.version_of = self._previous_version(connection, article)
        connection.execute(insert(articles).values(**_article_row(article)))
        if outcome.vector is not None:
            connection.execute(insert(article_vectors).values(article_id=article.id, embedding=outcome.vector))
        if article.outlet and outcome.source_lines:
            self._learn(connection, article.outlet, outcome.source_lines)
        _upsert_raw(connection, outcome, "stored", article.id, None)
        return "stored"

    def _previous_version(self, connection: Connection, article: Article) -> str | None:
        # A file edited in place is a new version of itself; a record inside a container (path#line-3) is not,
        # since its position says nothing about which article it is.
        if article.url:
            key = articles.c.url == article.url
        elif article.origin and "#" not in article.origin:
            key = articles.c.origin == article.origin
        else:
            return None
        row = connection.execute(
            select(articles.c.id).where(key).order_by(articles.c.ingested_at.desc()).limit(1)
        ).first()
        return row.id if row else None

    # --- learned boilerplate -----------------------------------------------------------------------------------

    def _learn(self, connection: Connection, outlet: str, lines: list[str]) -> None:
        distinct = sorted({line for line in lines if 0 < len(line) <= LEARN_MAX_CHARS})
        _increment(connection, outlet_docs, [{"outlet": outlet}], ["outlet"])
        if distinct:
            _increment(connection, outlet_lines, [{"outlet": outlet, "line": line} for line in distinct],
                       ["outlet", "line"])

    def learned_boilerplate(self, outlet: str) -> frozenset[str]:
        """Lines found in at least `boilerplate_min_docs` documents of the outlet, and in that share of them."""
        if outlet in self._learned:
            return self._learned[outlet]
        with self.engine.connect() as connection:
            docs = connection.execute(select(outlet_docs.c.docs).where(outlet_docs.c.outlet == outlet)).scalar()
            found: frozenset[str] = frozenset()
            if docs:
                needed = max(self.settings.boilerplate_min_docs, self.settings.boilerplate_min_share * docs)
                rows = connection.execute(
                    select(outlet_lines.c.line).where(outlet_lines.c.outlet == outlet, outlet_lines.c.docs >= needed)
                )
                found = frozenset(row.line for row in rows)
        if len(self._learned) >= LEARNED_CACHE_SIZE:
            self._learned.clear()
        self._learned[outlet] = found
        return found

    # --- stories -----------------------------------------------------------------------------------------------

    def existing_ids(self, article_ids: list[str]) -> set[str]:
        """Which of these article ids are already stored (one query for a whole batch)."""
        if not article_ids:
            return set()
        with self.engine.connect() as connection:
            rows = connection.execute(select(articles.c.id).where(articles.c.id.in_(set(article_ids))))
            return {row.id for row in rows}

    def recent_articles(self, limit: int, *, placed_only: bool = False) -> list[tuple[Article, bytes | None]]:
        """The last `limit` articles stored (`placed_only`: of those in a story), oldest first, with their
        embeddings: what a new run continues from."""
        query = (select(articles, article_vectors.c.embedding)
                 .join(article_vectors, article_vectors.c.article_id == articles.c.id, isouter=True)
                 .where(articles.c.story_id.is_not(None) if placed_only else true())
                 .order_by(articles.c.ingested_at.desc()).limit(limit))
        with self.engine.connect() as connection:
            rows = list(connection.execute(query))
        return [(_article_from(row, skip=("embedding",)), row.embedding) for row in reversed(rows)]

    def save_stories(self, found: list[dict], merges: list[tuple[str, str]]) -> None:
        """Upsert story rows ({id, title, first_seen, last_seen, size, merged_into}) and record merges."""
        now = utcnow()
        self._transaction(lambda connection: _save_stories(connection, found, merges, now))

    def stories(self, *, limit: int | None = 50) -> list[dict]:
        query = (select(stories).where(stories.c.merged_into.is_(None))
                 .order_by(stories.c.last_seen.desc().nulls_last(), stories.c.size.desc()))
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def story(self, story_id: str) -> dict | None:
        """One live story (not one merged into another), as `stories()` lists them."""
        query = select(stories).where(stories.c.id == story_id, stories.c.merged_into.is_(None))
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return dict(row._mapping) if row else None

    def story_articles(self, story_id: str) -> list[Article]:
        query = select(articles).where(articles.c.story_id == story_id).order_by(articles.c.published, articles.c.ingested_at)
        with self.engine.connect() as connection:
            return [_article_from(row) for row in connection.execute(query)]

    def story_threads(self) -> dict[str, str]:
        """Story id -> the id of its thread's first story, for every story in a thread."""
        query = select(stories.c.id, stories.c.thread_id).where(stories.c.thread_id.is_not(None))
        with self.engine.connect() as connection:
            return {row.id: row.thread_id for row in connection.execute(query)}

    def thread(self, thread_id: str | None) -> list[dict]:
        """The live stories of a thread, oldest first, as `stories()` lists them; none for a story in no thread
        (`thread_id` None). A story merged into another is read as that one (the thread's first story among
        them)."""
        if not thread_id:
            return []
        query = select(stories).where(or_(stories.c.thread_id.is_not(None), stories.c.merged_into.is_not(None)))
        with self.engine.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(query)]
        merged = {row["id"]: row["merged_into"] for row in rows if row["merged_into"]}

        def live(story_id: str) -> str:
            seen = set()
            while story_id in merged and story_id not in seen:
                seen.add(story_id)
                story_id = merged[story_id]
            return story_id

        root = live(thread_id)
        members = [row for row in rows
                   if not row["merged_into"] and row["thread_id"] and live(row["thread_id"]) == root]
        if root not in {row["id"] for row in members}:
            members += [row for row in [self.story(root)] if row]
        return sorted(members, key=lambda row: (row["first_seen"] is None, row["first_seen"] or utcnow(), row["id"]))

    def story_merges(self) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            return [(r.from_story, r.into_story) for r in connection.execute(select(story_merges))]

    # --- events ------------------------------------------------------------------------------------------------

    def save_events(self, coded: list[tuple[str, list[dict]]], coder: str) -> None:
        """Store each article's events (`Event.to_json()` dicts), replacing what an earlier coding stored."""
        now = utcnow()

        def work(connection: Connection) -> None:
            for article_id, found in coded:
                connection.execute(events.delete().where(events.c.article_id == article_id))
                connection.execute(coded_articles.delete().where(coded_articles.c.article_id == article_id))
                rows = [_event_row(article_id, seq, coded_event) for seq, coded_event in enumerate(found)]
                if rows:
                    connection.execute(insert(events), rows)
                connection.execute(insert(coded_articles).values(
                    article_id=article_id, coder=coder, events=len(found), coded_at=now))

        self._transaction(work)

    def uncoded_articles(self, limit: int = 100, coder: str | None = None) -> list[Article]:
        """Articles not coded yet (or coded by another coder version), oldest first: what a back-fill reads."""
        done = select(coded_articles.c.article_id)
        if coder:
            done = done.where(coded_articles.c.coder == coder)
        query = (select(articles).where(articles.c.id.not_in(done), articles.c.duplicate_of.is_(None))
                 .order_by(articles.c.ingested_at).limit(limit))
        with self.engine.connect() as connection:
            return [_article_from(row) for row in connection.execute(query)]

    def events(self, *, limit: int | None = 100, event: str | None = None, actor: str | None = None,
               recipient: str | None = None, modality: str | None = None, article_id: str | None = None,
               since: str | None = None, story: str | None = None, offset: int = 0) -> list[dict]:
        """Stored events, newest articles first, filtered by type, actor/recipient code, modality, date."""
        query = (select(events, articles.c.outlet, articles.c.url, articles.c.title, articles.c.published)
                 .join(articles, articles.c.id == events.c.article_id))
        if event:
            query = query.where(events.c.event == event.upper())
        if actor:
            query = query.where(events.c.actor_codes.like(f"% {actor.upper()} %"))
        if recipient:
            query = query.where(events.c.recipient_codes.like(f"% {recipient.upper()} %"))
        if modality:
            query = query.where(events.c.modality == modality.lower())
        if article_id:
            query = query.where(events.c.article_id == article_id)
        if story:
            query = query.where(articles.c.story_id == story)
        if since:
            published_day = func.substr(cast(articles.c.published, String), 1, 10)  # text on every backend
            query = query.where(func.coalesce(events.c.date, published_day) >= since)
        query = query.order_by(articles.c.published.desc().nulls_last(), events.c.article_id, events.c.seq)
        if limit:
            query = query.limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return [_event_from(row) for row in connection.execute(query)]

    def watch_events(self, *, wanted: list[tuple[list[str], list[str], list[str]]] | None = None,
                     article_ids: list[str] | None = None, batch: int = 5000) -> Iterable[dict]:
        """Stored events with what the watch needs of their article (outlet, date, copy links), streamed in
        batches: the watch reads every event once when it starts. `wanted` narrows the read in the database:
        events meeting any one of its (types, actor codes, recipient codes) clauses, an empty list meaning any
        (a type matches the event or the act it intends, `action`). context, actor, recipient and quantities come
        as JSON text, decoded by the reader when it needs them."""
        # JSON columns come undecoded: most events are matched on their type and code strings alone.
        raw = [type_coerce(events.c[name], Text).label(name)
               for name in ("context", "actor", "recipient", "quantities", "claimed_by")]
        query = (select(events.c.id, events.c.article_id, events.c.event, events.c.mode, *raw,
                        events.c.actor_codes, events.c.recipient_codes, events.c.modality, events.c.hearsay,
                        events.c.sentence, events.c.start, events.c.end, events.c.trigger,
                        events.c.action, events.c.reciprocal, articles.c.outlet, articles.c.url, articles.c.title,
                        articles.c.published, articles.c.ingested_at, articles.c.derived_from,
                        stories.c.first_seen.label("story_first_seen"))
                 .join(articles, articles.c.id == events.c.article_id)
                 .outerjoin(stories, stories.c.id == articles.c.story_id))
        if wanted is not None:
            query = query.where(or_(*(_watch_clause(*clause) for clause in wanted)))
        if article_ids is not None:
            query = query.where(events.c.article_id.in_(article_ids))
        with self.engine.connect() as connection:
            for row in connection.execution_options(yield_per=batch).execute(query.order_by(events.c.id)):
                data = row._mapping
                yield {**data, "hearsay": bool(data["hearsay"]),
                       "evidence": {"sentence": data["sentence"], "trigger": data["trigger"]}}

    def publication_order(self) -> list[tuple[str, datetime]]:
        """(article id, published — or ingested when undated) of every original article, oldest first."""
        when = func.coalesce(articles.c.published, articles.c.ingested_at)
        query = select(articles.c.id, articles.c.published, articles.c.ingested_at).where(
            articles.c.duplicate_of.is_(None)).order_by(when, articles.c.id)
        with self.engine.connect() as connection:
            return [(r.id, r.published or r.ingested_at) for r in connection.execute(query)]

    def newest_published(self) -> datetime | None:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(articles.c.published))).scalar_one()

    def article_roots(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """Article id → (the article it goes back to through wire-copy links, the source it counts for: that
        article's wire credit, or its outlet)."""
        links: dict[str, tuple[str | None, str | None]] = {}
        wanted = set(article_ids)
        with self.engine.connect() as connection:
            while wanted - links.keys():
                ask = sorted(wanted - links.keys())
                for chunk in range(0, len(ask), 500):
                    query = select(articles.c.id, articles.c.derived_from, articles.c.outlet, articles.c.wire).where(
                        articles.c.id.in_(ask[chunk:chunk + 500]))
                    for row in connection.execute(query):
                        links[row.id] = (row.derived_from, row.wire or row.outlet)  # a wire's copy is the wire's
                for missing in set(ask) - links.keys():
                    links[missing] = (None, None)
                wanted |= {parent for parent, _ in links.values() if parent}
        roots = {}
        for article_id in article_ids:
            current, hops = article_id, 0
            while links[current][0] and hops < 20:  # a chain longer than 20 is a loop: stop
                current, hops = links[current][0], hops + 1
            roots[article_id] = (current, links[current][1])
        return roots

    # --- backfill ----------------------------------------------------------------------------------------------

    def done_shards(self) -> set[str]:
        """The keys of the backfill shards already read to the end and stored."""
        with self.engine.connect() as connection:
            return {row.key for row in connection.execute(select(backfill_shards.c.key))}

    def record_shard(self, values: dict) -> None:
        """Mark a backfill shard done ({key, path, size, items, stored, failed, events}), after all it held."""
        def work(connection: Connection) -> None:
            connection.execute(backfill_shards.delete().where(backfill_shards.c.key == values["key"]))
            connection.execute(insert(backfill_shards).values(**values, finished_at=utcnow()))

        self._transaction(work)

    def needing_events(self, article_ids: Iterable[str]) -> set[str]:
        """Which of these stored articles are originals (no copy of another) not coded yet: a backfill started
        again codes an article it stored before it stopped, and never a copy or one already coded."""
        wanted = sorted(set(article_ids))
        found: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = (select(articles.c.id)
                         .where(articles.c.id.in_(wanted[start:start + 500]), articles.c.duplicate_of.is_(None),
                                articles.c.id.not_in(select(coded_articles.c.article_id))))
                found.update(row.id for row in connection.execute(query))
        return found

    def ungrouped_articles(self, limit: int) -> list[tuple[Article, bytes | None]]:
        """Articles in no story yet, in publication order (undated ones by arrival), with their embeddings: what
        a backfill's second pass places, oldest first, a batch at a time."""
        when = func.coalesce(articles.c.published, articles.c.ingested_at)
        query = (select(articles, article_vectors.c.embedding)
                 .join(article_vectors, article_vectors.c.article_id == articles.c.id, isouter=True)
                 .where(articles.c.story_id.is_(None)).order_by(when, articles.c.id).limit(limit))
        with self.engine.connect() as connection:
            return [(_article_from(row, skip=("embedding",)), row.embedding) for row in connection.execute(query)]

    def save_groups(self, grouped: list[Article], found: list[dict], merges: list[tuple[str, str]]) -> None:
        """Write what the story pass decided for stored articles (copy links and story) with the stories it
        touched, in one transaction. A copy found now is not evidence: the events coded from it are removed."""
        now = utcnow()

        def work(connection: Connection) -> None:
            for article in grouped:
                connection.execute(articles.update().where(articles.c.id == article.id).values(
                    duplicate_of=article.duplicate_of, derived_from=article.derived_from,
                    shared_passages=article.shared_passages, story_id=article.story_id))
            copies = [a.id for a in grouped if a.duplicate_of]
            if copies:
                connection.execute(events.delete().where(events.c.article_id.in_(copies)))
                connection.execute(coded_articles.delete().where(coded_articles.c.article_id.in_(copies)))
            _save_stories(connection, found, merges, now)

        self._transaction(work)

    # --- watch -------------------------------------------------------------------------------------------------

    def latest_watch(self, watchlist: str) -> tuple[dict[str, IndicatorState], StageState | None]:
        """The last recorded reading of every indicator of a watchlist, and its last stage."""
        newest = (select(func.max(indicator_states.c.id)).where(indicator_states.c.watchlist == watchlist)
                  .group_by(indicator_states.c.indicator))
        with self.engine.connect() as connection:
            rows = connection.execute(select(indicator_states.c.state).where(indicator_states.c.id.in_(newest)))
            states = {s.indicator: s for s in (IndicatorState.from_json(r.state) for r in rows)}
            stage = connection.execute(select(stage_states.c.state).where(stage_states.c.watchlist == watchlist)
                                       .order_by(stage_states.c.id.desc()).limit(1)).first()
        return states, StageState.from_json(stage.state) if stage else None

    def save_watch(self, watchlist: str, version: str, states: list[IndicatorState], stage: StageState | None,
                   raised: list[Alert]) -> None:
        """Record changed readings, the stage if it changed, and the alerts, in one transaction (ids set)."""
        now = utcnow()
        with self.engine.begin() as connection:
            if states:
                connection.execute(insert(indicator_states), [
                    {"watchlist": watchlist, "version": version, "indicator": s.indicator, "level": s.level,
                     "value": s.value, "state": s.to_json(), "as_of": s.as_of, "recorded_at": now} for s in states])
            if stage is not None:
                connection.execute(insert(stage_states).values(
                    watchlist=watchlist, version=version, level=stage.level, name=stage.name,
                    state=stage.to_json(), as_of=stage.as_of, recorded_at=now))
            for alert in raised:
                result = connection.execute(insert(alerts).values(
                    watchlist=watchlist, kind=alert.kind, subject=alert.subject, before=alert.before,
                    after=alert.after, alert=alert.to_json(), as_of=alert.as_of, created_at=alert.created_at))
                alert.id = result.inserted_primary_key[0]
                connection.execute(alerts.update().where(alerts.c.id == alert.id).values(alert=alert.to_json()))

    def record_delivery(self, alert_id: int, sink: str, ok: bool, attempts: int, error: str | None = None) -> None:
        values = {"alert_id": alert_id, "sink": sink[:200], "status": "delivered" if ok else "failed",
                  "attempts": attempts, "error": error, "at": utcnow()}
        with self.engine.begin() as connection:
            statement = _dialect_insert(connection)(alert_deliveries).values(**values)
            connection.execute(statement.on_conflict_do_update(
                index_elements=["alert_id", "sink"], set_={k: v for k, v in values.items() if k not in ("alert_id", "sink")}))

    def failed_deliveries(self, watchlist: str) -> list[tuple[dict, str, int]]:
        """(alert, sink, attempts so far) for every delivery of the watchlist's alerts that has not gone through."""
        query = (select(alerts.c.alert, alert_deliveries.c.sink, alert_deliveries.c.attempts)
                 .join(alert_deliveries, alert_deliveries.c.alert_id == alerts.c.id)
                 .where(alerts.c.watchlist == watchlist, alert_deliveries.c.status == "failed")
                 .order_by(alerts.c.id))
        with self.engine.connect() as connection:
            return [(dict(r.alert), r.sink, r.attempts) for r in connection.execute(query)]

    def alerts(self, watchlist: str | None = None, *, limit: int | None = 50) -> list[dict]:
        """Alerts, newest first, each with its deliveries ({sink, status, attempts, error})."""
        query = select(alerts.c.id, alerts.c.alert).order_by(alerts.c.id.desc())
        if watchlist:
            query = query.where(alerts.c.watchlist == watchlist)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            found = [dict(r.alert) for r in connection.execute(query)]
            deliveries = connection.execute(select(alert_deliveries).where(
                alert_deliveries.c.alert_id.in_([a["id"] for a in found])))
            by_alert: dict[int, list[dict]] = {}
            for row in deliveries:
                by_alert.setdefault(row.alert_id, []).append(
                    {"sink": row.sink, "status": row.status, "attempts": row.attempts, "error": row.error})
        return [{**a, "deliveries": by_alert.get(a["id"], [])} for a in found]

    def stage_history(self, watchlist: str) -> list[StageState]:
        query = select(stage_states.c.state).where(stage_states.c.watchlist == watchlist).order_by(stage_states.c.id)
        with self.engine.connect() as connection:
            return [StageState.from_json(r.state) for r in connection.execute(query)]

    def indicator_history(self, watchlist: str, indicator: str | None = None) -> list[IndicatorState]:
        query = (select(indicator_states.c.state).where(indicator_states.c.watchlist == watchlist)
                 .order_by(indicator_states.c.id))
        if indicator:
            query = query.where(indicator_states.c.indicator == indicator)
        with self.engine.connect() as connection:
            return [IndicatorState.from_json(r.state) for r in connection.execute(query)]

    # --- briefs ------------------------------------------------------------------------------------------------

    def last_brief_at(self) -> datetime | None:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(briefs.c.created_at))).scalar_one()

    def record_brief(self, created_at: datetime, since: datetime | None, fmt: str, stories_told: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(briefs).values(created_at=created_at, since=since, format=fmt,
                                                     stories=stories_told))

    # --- collect -----------------------------------------------------------------------------------------------

    def source_state(self, name: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(collect_sources).where(collect_sources.c.name == name)).first()
        return dict(row._mapping) if row else None

    def save_source_state(self, values: dict) -> None:
        """Upsert one source's row (all columns given: the collector keeps the whole row)."""
        with self.engine.begin() as connection:
            statement = _dialect_insert(connection)(collect_sources).values(**values)
            connection.execute(statement.on_conflict_do_update(
                index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}))

    def source_states(self) -> list[dict]:
        with self.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(select(collect_sources).order_by(collect_sources.c.name))]

    # --- reading -----------------------------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
        return _article_from(row) if row else None

    def articles(self, *, limit: int | None = 50, outlet: str | None = None) -> list[Article]:
        query = select(articles).order_by(articles.c.published.desc().nulls_last(), articles.c.ingested_at.desc())
        if outlet:
            query = query.where(articles.c.outlet == outlet)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [_article_from(row) for row in connection.execute(query)]

    def iter_articles(self, *, batch: int = 5000) -> Iterator[Article]:
        """Every stored article, in id order, read a batch at a time (keyset paging on the id, the same SQL on
        every backend): what an export of a large store reads, in memory one batch deep."""
        last = ""
        while True:
            query = select(articles).where(articles.c.id > last).order_by(articles.c.id).limit(batch)
            with self.engine.connect() as connection:
                found = [_article_from(row) for row in connection.execute(query)]
            yield from found
            if len(found) < batch:
                return
            last = found[-1].id

    def iter_events(self, *, batch: int = 5000) -> Iterator[dict]:
        """Every stored event with its article's outlet, link, title and date, and the day its story was first
        seen (`story_first_seen`, what the watch dates an undated report by), in id order, a batch at a time."""
        last = 0
        while True:
            query = (select(events, articles.c.outlet, articles.c.url, articles.c.title, articles.c.published,
                            stories.c.first_seen.label("story_first_seen"))
                     .join(articles, articles.c.id == events.c.article_id)
                     .outerjoin(stories, stories.c.id == articles.c.story_id)
                     .where(events.c.id > last).order_by(events.c.id).limit(batch))
            with self.engine.connect() as connection:
                found = [{**_event_from(row), "story_first_seen":
                          row.story_first_seen.isoformat() if row.story_first_seen else None}
                         for row in connection.execute(query)]
            yield from found
            if len(found) < batch:
                return
            last = found[-1]["id"]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(articles)).scalar_one()
            by_status = dict(connection.execute(
                select(raw_items.c.status, func.count()).group_by(raw_items.c.status)
            ).all())
        return {"articles": total, "events": self.event_count(), **{f"items_{k}": v for k, v in by_status.items()}}

    def event_count(self) -> int:
        """How many events are stored: what the dashboard's caches check on every request (counts() also
        groups every raw item by status)."""
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(events)).scalar_one()

    def failures(self) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(raw_items.c.origin, raw_items.c.error).where(raw_items.c.status == "failed"))
            return [(r.origin, r.error) for r in rows]

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_settings)
    return engine


def _migrating_engine(engine: Engine) -> Engine:
    """The engine to migrate with: on SQLite, one whose transactions hold the write lock and cover DDL.

    Python's sqlite3 runs CREATE TABLE outside any transaction and begins a deferred one otherwise, so two
    processes opening a fresh file at once (ingest and the web app) both found no schema and both created it,
    and a process killed mid-migration left half a schema. BEGIN IMMEDIATE makes the second wait (busy_timeout)
    and then find the schema done; the whole migration commits or nothing does.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return engine  # a server migrates in its own transactions; an in-memory file is this engine's alone
    migrating = create_engine(engine.url)
    event.listen(migrating, "connect", _sqlite_pragmas)
    event.listen(migrating, "connect", _driver_leaves_transactions_to_us)
    event.listen(migrating, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    return migrating


def _driver_leaves_transactions_to_us(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _postgres_settings(dbapi_connection, _record) -> None:
    # The watch reads every event it could match through a server-side cursor (streamed in batches), and
    # PostgreSQL plans a cursor for its first tenth of rows: redline reads its cursors to the end. Planned for all
    # rows, a watcher's start over 50,000 events took 1.2 s instead of 4.1 s (three runs each, same store).
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (the web app) never block the writer (ingest); NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _dialect_insert(connection: Connection):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert


def _increment(connection: Connection, table, rows: list[dict], keys: list[str]) -> None:
    statement = _dialect_insert(connection)(table).values(docs=1)
    statement = statement.on_conflict_do_update(index_elements=keys, set_={"docs": table.c.docs + 1})
    connection.execute(statement, rows)


def _save_stories(connection: Connection, found: list[dict], merges: list[tuple[str, str]], now: datetime) -> None:
    for story in found:
        values = {**story, "updated_at": now}
        statement = _dialect_insert(connection)(stories).values(**values)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["id"], set_={k: v for k, v in values.items() if k != "id"}))
    for small, large in merges:
        connection.execute(insert(story_merges).values(from_story=small, into_story=large, merged_at=now))
        connection.execute(articles.update().where(articles.c.story_id == small).values(story_id=large))


def _upsert_raw(connection: Connection, outcome: Outcome, status: str, article_id: str | None, error: str | None):
    values = {"origin": outcome.origin, "raw_sha": outcome.raw_sha, "status": status, "article_id": article_id,
              "error": error, "seen_at": utcnow()}
    statement = _dialect_insert(connection)(raw_items).values(**values)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["origin"], set_={k: v for k, v in values.items() if k != "origin"}
    ))


def _article_row(article: Article) -> dict:
    return {
        "id": article.id, "url": article.url, "outlet": article.outlet, "title": article.title,
        "published": article.published, "updated": article.updated,
        "authors": [{"name": a.name, "email": a.email} for a in article.authors],
        "language": article.language, "text": article.text, "paragraphs": article.paragraphs,
        "origin": article.origin, "raw_sha": article.raw_sha, "cleaner": article.cleaner,
        "ingested_at": article.ingested_at, "version_of": article.version_of,
        "duplicate_of": article.duplicate_of, "derived_from": article.derived_from,
        "shared_passages": article.shared_passages, "story_id": article.story_id,
        "place": article.place, "wire": article.wire,
    }


def _article_from(row, skip: tuple[str, ...] = ()) -> Article:
    data = {k: v for k, v in row._mapping.items() if k not in skip}
    data["authors"] = [Author(**a) for a in data["authors"]]
    return Article(**data)



def _watch_clause(types: list[str], actors: list[str], recipients: list[str]):
    """One indicator's wants as SQL, so the database skips what no indicator could match (codes in `_codes` form)."""
    parts = []
    if types:
        parts.append(events.c.event.in_(types) | events.c.action.in_(types))
    for column, codes in ((events.c.actor_codes, actors), (events.c.recipient_codes, recipients)):
        if codes:
            parts.append(or_(*(column.contains(f" {code} ", autoescape=True) for code in codes)))  # any SQL
    return and_(*parts) if parts else true()


def _codes(parties: list[dict]) -> str:
    return " " + " ".join(sorted({p["code"] for p in parties if p.get("code")})) + " "


def _event_row(article_id: str, seq: int, event: dict) -> dict:
    evidence = event["evidence"]
    return {
        "article_id": article_id, "seq": seq, "event": event["event"], "mode": event["mode"],
        "context": event["context"], "actor": event["actor"], "recipient": event["recipient"],
        **_side_codes(event),
        "modality": event["modality"], "condition": event["condition"], "quantities": event["quantities"],
        "quote": event["quote"], "cameo": event["cameo"], "sentence": evidence["sentence"],
        "start": evidence["start"], "end": evidence["end"], "trigger": evidence.get("trigger"),
        "trigger_start": evidence.get("trigger_start"),
        "hearsay": int(bool(event.get("hearsay"))), "future": int(bool(event.get("future"))),
        "place": event.get("place"), "date": event.get("date"), "action": event.get("action"),
        "claimed_by": event.get("claimed_by"), "reciprocal": int(bool(event.get("reciprocal"))),
    }


def _side_codes(event: dict) -> dict:
    """The code strings filtered on. The parties of a reciprocal event ("Russia and North Korea signed a treaty")
    act on each other: each is found as an actor and as a recipient."""
    if event.get("reciprocal"):
        both = _codes([*event["actor"], *event["recipient"]])
        return {"actor_codes": both, "recipient_codes": both}
    return {"actor_codes": _codes(event["actor"]), "recipient_codes": _codes(event["recipient"])}


def _event_from(row) -> dict:
    """A stored event in the `redline code --json` shape, with where it was read (article, outlet, url)."""
    data = row._mapping
    return {
        "event": data["event"], "mode": data["mode"], "context": data["context"], "actor": data["actor"],
        "recipient": data["recipient"], "modality": data["modality"], "condition": data["condition"],
        "quantities": data["quantities"], "quote": data["quote"], "cameo": data["cameo"],
        "evidence": {"sentence": data["sentence"], "start": data["start"], "end": data["end"],
                     "trigger": data["trigger"], "article_id": data["article_id"],
                     "trigger_start": data["trigger_start"]},
        "hearsay": bool(data["hearsay"]), "future": bool(data["future"]), "place": data["place"],
        "date": data["date"], "action": data["action"], "claimed_by": data["claimed_by"],
        "reciprocal": bool(data["reciprocal"]), "id": data["id"],
        "article_id": data["article_id"], "outlet": data["outlet"],
        "url": data["url"], "title": data["title"],
        "published": data["published"].isoformat() if data["published"] else None,
    }
