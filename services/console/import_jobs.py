"""Uploaded files between their dry run and their commit, and the commits running in the background.

A file is read once, dry-run by its owning service, and kept here (in this replica's memory, like the
sessions) under an unguessable id bound to the user who uploaded it; the commit posts the same rows again
and the page polls its state (ADR 0009). Nothing here decides what a row may be: the services do.
"""

import asyncio
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from services.console.backend import Answer, Backend

# A commit of 100 000 rows takes minutes; the services answer once, with the whole file's summary.
COMMIT_TIMEOUT_SECONDS = 1800.0
KEEP_SECONDS = 3600.0
CAPACITY = 16


@dataclass
class StagedImport:
    """One uploaded file: its rows, its dry run, and its commit once asked for."""

    id: str
    org_id: str
    user_id: str
    kind: str
    file: str
    rows: list[dict[str, Any]]
    ignored: list[str]
    dry_run: dict[str, Any]
    row_count: int = 0
    created: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    result: dict[str, Any] | None = None
    problem: Any = None
    task: "asyncio.Task[None] | None" = None

    def __post_init__(self) -> None:
        self.row_count = self.row_count or len(self.rows)
        if not self.clean:
            self.rows = []  # a refused file is never committed: its rows are not kept

    @property
    def clean(self) -> bool:
        """The dry run refused no row: the file may be committed."""
        return int(self.dry_run.get("refused", 0)) == 0 and self.row_count > 0

    @property
    def state(self) -> str:
        """checked (dry run only), committing, done or failed."""
        if self.started is None:
            return "checked"
        if self.finished is None:
            return "committing"
        return "done" if self.result is not None else "failed"

    def elapsed(self) -> int:
        """Whole seconds since the commit started (or until it finished)."""
        if self.started is None:
            return 0
        return int((self.finished or time.monotonic()) - self.started)


class ImportJobs:
    """The staged files of this console replica, oldest evicted first, each for its owner only."""

    def __init__(self, capacity: int = CAPACITY, keep_seconds: float = KEEP_SECONDS) -> None:
        self.capacity, self.keep_seconds = capacity, keep_seconds
        self.items: OrderedDict[str, StagedImport] = OrderedDict()

    def add(self, staged: StagedImport) -> StagedImport:
        """Keep a freshly dry-run file; the oldest idle ones make room."""
        self._expire()
        while len(self.items) >= self.capacity:
            oldest = next((k for k, v in self.items.items() if v.state != "committing"), None)
            if oldest is None:
                break
            del self.items[oldest]
        self.items[staged.id] = staged
        return staged

    def get(self, import_id: str, org_id: str, user_id: str) -> StagedImport | None:
        """The staged file, if it is this user's (others' answer like unknown ids)."""
        self._expire()
        staged = self.items.get(import_id)
        if staged is None or (staged.org_id, staged.user_id) != (org_id, user_id):
            return None
        return staged

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, v in self.items.items() if v.state != "committing"]:
            if now - self.items[key].created > self.keep_seconds:
                del self.items[key]

    def commit(
        self, staged: StagedImport, backend: Backend, service: str, path: str, *, token: str, lang: str
    ) -> None:
        """Start the all-or-nothing commit of a clean dry run, once; the page polls its state."""
        if not staged.clean or staged.started is not None or not staged.rows:
            return
        staged.started = time.monotonic()
        body = {"file": staged.file, "dry_run": False, "rows": staged.rows}

        async def run() -> None:
            try:
                limit = COMMIT_TIMEOUT_SECONDS
                answer: Answer = await backend.call(
                    service, "POST", path, token=token, lang=lang, json=body, time_limit=limit
                )
                if answer.ok and isinstance(answer.data, dict):
                    staged.result = answer.data
                else:
                    staged.problem = answer.problem
            finally:
                staged.finished = time.monotonic()
                staged.rows = []  # committed or not, the file is done: its rows are not kept

        staged.task = asyncio.create_task(run())

    async def close(self) -> None:
        """Stop waiting for running commits (a service may still finish one; re-importing is a no-op)."""
        tasks = [s.task for s in self.items.values() if s.task is not None and not s.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def new_id() -> str:
    """An unguessable id for a staged file."""
    return secrets.token_urlsafe(16)
