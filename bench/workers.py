"""Drill workers that cannot vanish: every thread reports how it ended.

A thread that raises dies quietly (Python prints a traceback and carries on;
``SystemExit`` is not even printed), so a drill that only counts what its
threads managed to record can pass while half of them are dead. A ``Crew``
runs each worker and keeps its outcome: ``finished``, ``died: <error>``, or
``still running`` if it has not returned when the drill joins it. The drill
fails unless every worker finished.
"""

import threading
import time
import traceback
from collections.abc import Callable

FINISHED = "finished"


class Crew:
    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, name: str, work: Callable, *args) -> None:
        if name in self._threads:
            raise ValueError(f"two workers named {name!r}")

        def run():
            try:
                work(*args)
            except BaseException as error:  # SystemExit too: a worker's exit is its death, not the drill's
                outcome = f"died: {type(error).__name__}: {error}"
                traceback.print_exc()
            else:
                outcome = FINISHED
            with self._lock:
                self.outcomes[name] = outcome

        thread = threading.Thread(target=run, name=name, daemon=True)
        self._threads[name] = thread
        thread.start()

    def join(self, timeout: float = 60) -> dict[str, str]:
        """Wait for every worker (``timeout`` seconds in all); returns each worker's outcome."""
        deadline = time.monotonic() + timeout
        for thread in self._threads.values():
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            for name, thread in self._threads.items():
                if thread.is_alive():
                    self.outcomes.setdefault(name, "still running")
            return dict(self.outcomes)

    def failures(self) -> dict[str, str]:
        """Workers that did not finish (call after ``join``)."""
        return {name: outcome for name, outcome in self.outcomes.items() if outcome != FINISHED}

    def summary(self) -> dict:
        return {"workers": len(self._threads), "finished": len(self._threads) - len(self.failures()),
                "failed": self.failures()}  # fmt: skip
