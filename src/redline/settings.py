"""One settings object: defaults < `redline.toml` < environment variables `REDLINE_*`."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from redline.errors import SettingsError

CONFIG_FILE = "redline.toml"
ENV_PREFIX = "REDLINE_"


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL; SQLite in the working folder by default, PostgreSQL works by URL.
    db_url: str = "sqlite:///redline.db"
    # Used for dates printed without a zone when the outlet's own zone is unknown.
    default_timezone: str = "UTC"
    user_agent: str = "redline/0.1 (+https://github.com/redline-iw/redline)"
    http_timeout_s: float = 20.0
    # Responses larger than this are refused: a news page is rarely over a few MB.
    max_response_bytes: int = 10_000_000
    # A cleaned text longer than this is not one article (a book, a log, a concatenated dump): refused, not coded.
    max_article_chars: int = 1_000_000
    # A feed entry with fewer words than this is a summary: the linked page is fetched instead.
    feed_summary_max_words: int = 120
    # Articles written to the store per transaction during ingest (an interrupt loses at most one batch).
    ingest_batch_size: int = 50
    # A line seen in at least this many documents of one outlet, and in this share of them, is boilerplate.
    boilerplate_min_docs: int = 3
    boilerplate_min_share: float = 0.3
    # Stories: read meaning with sentence embeddings (all-MiniLM-L6-v2); off, terms and names decide alone.
    story_embeddings: bool = True
    # Articles replayed from the store when a run starts, so that it continues the last run's stories.
    story_memory: int = 5000
    # Code events (PLOVER, modality, quotes) as articles are stored; off, `redline code --stored` does it later.
    code_events: bool = True
    # The web API's write token (`Authorization: Bearer …`); empty: the API is read-only. Best set as REDLINE_API_TOKEN.
    api_token: str = ""
    # Limits on what an outsider can hand redline, each refused with a message naming the limit:
    # the web API's request body and articles per POST (413), a watchlist's size and nesting (YAML and JSON
    # alike), and how deeply a stage rule nests parentheses and "not".
    max_request_bytes: int = 10_000_000
    max_post_items: int = 1000
    max_watchlist_bytes: int = 2_000_000
    max_nesting: int = 64
    max_rule_depth: int = 32

    @classmethod
    def load(cls, config_path: str | Path | None = None, env: dict | None = None, **overrides) -> "Settings":
        """Build settings from defaults, then the config file, then the environment, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict = {}
        path = Path(config_path) if config_path else Path(env.get(ENV_PREFIX + "CONFIG", CONFIG_FILE))
        if path.is_file():
            values.update(_read_toml(path))
        elif config_path:
            raise SettingsError(f"config file {path} does not exist")
        values.update(_read_env(env))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**_typed(values))


def _fields() -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(Settings)}


def _read_toml(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from exc
    section = data.get("redline", data)
    unknown = set(section) - set(_fields())
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(_fields())}")
    return dict(section)


def _read_env(env) -> dict:
    found = {}
    for name in _fields():
        key = ENV_PREFIX + name.upper()
        if key in env:
            found[name] = env[key]
    return found


def _typed(values: dict) -> dict:
    """Coerce strings from the environment to each field's type, with a clear error naming the setting."""
    typed = {}
    for name, value in values.items():
        kind = type(getattr(Settings, name))
        try:
            if kind is bool and isinstance(value, str):
                typed[name] = _boolean(value)
                continue
            typed[name] = kind(value) if not isinstance(value, kind) else value
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"setting {name}={value!r} should be a {kind.__name__}") from exc
    return typed


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)
