"""The report controller's compute tasks: submitted to its worker pool, counted, their failures reported.

:class:`ComputeTasks` is owned by :class:`app.controllers.report.Controller`. It is told only what it
needs: the pool, where "busy" goes (True when the first task starts, False when the last one ends)
and where a failure message goes. A failure of a superseded request is dropped: it is not news.
Texts keep the ``Controller`` translation context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from app.workers import Emit, Task, WorkerPool
from widgets.i18n import translate

__all__ = ["ComputeTasks"]

T = TypeVar("T")


class ComputeTasks:
    """Runs tasks on ``pool`` and keeps count of them.

    Args:
        pool: the compute workers.
        busy_changed: called with True when work starts and False when everything has finished.
        error: called with a message for the user when a current task fails.
    """

    def __init__(self, pool: WorkerPool, busy_changed: Callable[[bool], None], error: Callable[[str], None]) -> None:
        self.pool = pool
        self._busy_changed = busy_changed
        self._error = error
        # Tasks submitted and not finished yet.
        self.busy = 0
        # Set by close(): results still queued on the GUI thread's event loop are dropped, because
        # the widgets they were meant for may already be deleted.
        self.closed = False

    def close(self) -> None:
        """Deliver nothing from now on (the window is going away; its widgets may be deleted)."""
        self.closed = True

    def submit(self, task: Task, on_partial: Callable[[int, str, object], None]) -> None:
        """Queue ``task``; its partial results go to ``on_partial``, a failure to ``error`` (unless superseded)."""
        task.signals.partial.connect(lambda g, k, value: None if self.closed else on_partial(g, k, value))
        task.signals.failed.connect(lambda _g, m, e, t=task: self._on_failed(t, m, e))
        self._start(task)

    def run(
        self,
        fn: Callable[[], T],
        on_result: Callable[[T], None],
        on_error: Callable[[str], None] | None = None,
    ) -> Task:
        """Run ``fn()`` on a worker; ``on_result(value)`` or ``on_error(message)`` on the GUI thread."""

        def job(emit: Emit) -> None:
            emit("result", fn())

        task = Task(0, job)
        task.signals.partial.connect(lambda _g, _k, value: None if self.closed else on_result(cast("T", value)))
        if on_error is not None:
            task.signals.failed.connect(lambda _g, message, _e: None if self.closed else on_error(message))
        self._start(task)
        return task

    def _start(self, task: Task) -> None:
        task.signals.finished.connect(self._on_finished)
        self.busy += 1
        if self.busy == 1:
            self._busy_changed(True)
        self.pool.submit(task)

    def _on_finished(self, _gen: int) -> None:
        self.busy -= 1
        if self.busy == 0 and not self.closed:
            self._busy_changed(False)

    def _on_failed(self, task: Task, message: str, exc: object) -> None:
        if self.closed:
            return
        if task.is_current is not None and not task.is_current(task.generation):
            return  # a superseded request failing is not news
        if isinstance(exc, ModuleNotFoundError):
            message = translate(
                "Controller", "The metrics engine is not available in this build ({module} is missing)."
            ).format(module=exc.name)
        self._error(message)
