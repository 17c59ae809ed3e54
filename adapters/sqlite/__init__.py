"""The embedded SQLite event store: the library's, with group commit and cheaper connections.

Selected with PERSISTENCE_MODULE=adapters.sqlite (what `ledger serve` uses).
- Concurrent commands share one transaction, so one fsync (GroupCommitRecorder).
- The library opens each connection with a statement cache of one
  (`cached_statements=True`), so every command prepared its BEGIN and INSERT
  again: about 20 µs of a command's CPU. Here each connection keeps its statements.
- `synchronous=FULL` is set rather than left to the build's default, so an
  acknowledged write survives a power cut.
"""

from __future__ import annotations

from eventsourcing import sqlite as library
from eventsourcing.utils import Environment, EnvType

from adapters.sqlite.connections import DurableConnections
from adapters.sqlite.group_commit import GroupCommitRecorder

__all__ = ["DurableConnections", "Factory", "GroupCommitRecorder"]


# The library finds a module's factory by looking for its one factory class,
# so the base class is named through the module, not imported here.
class Factory(library.SQLiteFactory):
    application_recorder_class = GroupCommitRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        unused = self.datastore.pool  # holds no connection yet: nothing was opened
        self.datastore.pool = DurableConnections(
            db_name=unused.db_name, lock_timeout=unused.lock_timeout
        )
        unused.close()
