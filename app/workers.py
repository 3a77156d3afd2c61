"""Work off the GUI thread: ``QRunnable`` tasks on a ``QThreadPool``, results delivered by signal.

A task's function receives ``emit(kind, payload)`` and may deliver several partial results (the
report first, then pipelines, then trends) so the window fills as soon as each is ready. Every
task carries a request generation; a task that is already stale when a pool thread picks it up
is skipped, and the controller drops stale results (the GUI never waits for one).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

__all__ = ["Emit", "Task", "TaskSignals", "WorkerPool"]

log = logging.getLogger(__name__)

Emit = Callable[[str, Any], None]


class TaskSignals(QObject):
    """The signals of one task (a QRunnable is not a QObject).

    Signals:
        partial(int, str, object): generation, kind (``report``, ``trends``, …), payload.
        failed(int, str, object): generation, a message for the user, the exception.
        finished(int): generation; emitted last, after partial/failed, or when skipped.
    """

    partial = Signal(int, str, object)
    failed = Signal(int, str, object)
    finished = Signal(int)


class Task(QRunnable):
    """Run ``fn(emit)`` on a pool thread; ``is_current(gen)`` is checked before starting."""

    def __init__(self, generation: int, fn: Callable[[Emit], None], is_current: Callable[[int], bool] | None = None):
        super().__init__()
        self.generation = generation
        self.fn = fn
        self.is_current = is_current
        self.signals = TaskSignals()  # created on the GUI thread, so its receivers run there
        self.setAutoDelete(False)  # the pool keeps us alive until ``finished`` (superqt's lesson)

    def run(self) -> None:
        """Called on a pool thread."""
        try:
            if self.is_current is None or self.is_current(self.generation):
                self.fn(lambda kind, payload: self.signals.partial.emit(self.generation, kind, payload))
        except Exception as exc:  # everything is reported; a worker must never die silently
            log.debug("task %d failed:\n%s", self.generation, traceback.format_exc())
            self.signals.failed.emit(self.generation, f"{type(exc).__name__}: {exc}", exc)
        finally:
            self.signals.finished.emit(self.generation)


class WorkerPool:
    """A small private thread pool that keeps its running tasks referenced."""

    def __init__(self, threads: int = 2) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)
        self._running: set[Task] = set()

    def submit(self, task: Task) -> Task:
        """Queue ``task``."""
        self._running.add(task)
        task.signals.finished.connect(lambda _gen, t=task: self._running.discard(t))
        self.pool.start(task)
        return task

    def active(self) -> int:
        """Tasks queued or running."""
        return len(self._running)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every task is done (shutdown and tests only)."""
        return self.pool.waitForDone(msecs)
