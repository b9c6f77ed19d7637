"""Slow work (back-tests, reports) on one worker thread, its result delivered on the GUI
thread, so a dialog never freezes the panel."""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from assist import AssistError

log = logging.getLogger(__name__)


class Background(QObject):
    """Runs one job at a time; `done` carries its result, or the exception it raised."""

    done = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                                           thread_name_prefix=name)

    def run(self, job: Callable[[], object]) -> None:
        def guarded() -> object:
            try:
                return job()
            except AssistError as exc:  # bad input: the dialog says what
                return exc
            except Exception as exc:  # shown in the dialog; the traceback goes to the log
                log.exception("background job failed")
                return exc

        self._pool.submit(guarded).add_done_callback(
            lambda future: self.done.emit(future.result()))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
