"""Staying current: harvest agenda portals, watch export drop folders, sync both.

A source edge: it fetches bytes (HTTP, a drop folder) and hands them to
:mod:`raadsgraf.pipeline`, which parses and loads them like any other files.
See docs/sync.md.
"""

from typing import TYPE_CHECKING

from raadsgraf.lazy import attributes

if TYPE_CHECKING:
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

#: Where each name lives: imported on first use, so that the CLI registering the
#: harvest commands (every call) does not load the HTTP client.
__getattr__ = attributes(
    __name__,
    {
        "HarvestReport": "raadsgraf.harvest.run",
        "harvest": "raadsgraf.harvest.run",
        "SyncSummary": "raadsgraf.harvest.sync",
        "last_sync": "raadsgraf.harvest.sync",
        "run_sync": "raadsgraf.harvest.sync",
        "sync_history": "raadsgraf.harvest.sync",
        "WatchReport": "raadsgraf.harvest.watch",
        "watch_once": "raadsgraf.harvest.watch",
    },
)
