"""Staying current: harvest agenda portals, watch export drop folders, sync both.

A source edge: it fetches bytes (HTTP, a drop folder) and hands them to
:mod:`raadsgraf.pipeline`, which parses and loads them like any other files.
See docs/sync.md.
"""

from raadsgraf.harvest.run import HarvestReport, harvest
from raadsgraf.harvest.sync import SyncSummary, last_sync, run_sync, sync_history
from raadsgraf.harvest.watch import WatchReport, watch_once

__all__ = [
    "HarvestReport",
    "SyncSummary",
    "WatchReport",
    "harvest",
    "last_sync",
    "run_sync",
    "sync_history",
    "watch_once",
]
