"""Every error redline raises on purpose, as one tree.

    RedlineError                 anything redline reports to the user as one clear line
    ├── SettingsError            a bad redline.toml or REDLINE_* value
    ├── StoreError               the database cannot be opened or migrated
    └── ItemError                one input item is bad; the run goes on with the next
        ├── ReadError            cannot read or decode it (missing, empty, binary, truncated, bad encoding)
        ├── FetchError           an HTTP fetch failed (status, timeout, refused, too large)
        ├── FormatError          it is not what it claims to be (a feed that is not XML, JSON that does not parse)
        └── NoArticleError       it was read, but holds no article text

Each error carries the item it is about (`where`: a path, URL, or `path#record`), so a report line can always
say which item failed and why.
"""

from __future__ import annotations


class RedlineError(Exception):
    """Base class: the message is meant for the user, one line, saying what went wrong and how to fix it."""


class SettingsError(RedlineError):
    pass


class StoreError(RedlineError):
    pass


class ItemError(RedlineError):
    """One bad input item. `where` names the item; `reason` says why, in a few words."""

    kind = "item"

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(where, reason)  # both in args, so the error pickles across worker processes

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"input": self.where, "error": {"type": self.kind, "message": self.reason}}


class ReadError(ItemError):
    kind = "read"


class FetchError(ItemError):
    kind = "fetch"


class FormatError(ItemError):
    kind = "format"


class NoArticleError(ItemError):
    kind = "no_article"
