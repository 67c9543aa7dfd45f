"""Work run side by side in threads, as simultaneous requests or workers would be."""

import threading

from django.db import connection


def in_threads(work, arguments, timeout: float | None = None) -> None:
    """``work(*args)`` for each ``args`` of ``arguments``, each in its own thread with its own
    database connection (closed when it ends, so the test database can be dropped), and
    wait for them all."""

    def run(*args):
        try:
            work(*args)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
