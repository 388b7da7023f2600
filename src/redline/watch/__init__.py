"""Watch: an analyst's watchlist (scenarios → indicators → thresholds → stages) kept up to date against the
events in the store, with source grading, history and alerts that say why."""

from redline.watch.engine import Board, Watcher, moment
from redline.watch.sinks import make_sinks
from redline.watch.watchlist import Watchlist, WatchlistError, load_watchlist

__all__ = ["Board", "Watcher", "moment", "Watchlist", "WatchlistError", "load_watchlist", "make_sinks"]
