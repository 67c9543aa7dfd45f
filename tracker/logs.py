"""Log lines as JSON objects, one a line, each with the request id (tracker/request_id.py).

A log shipper reads them without parsing prose; ``LOG_FORMAT=plain`` gives the old
human-readable lines for development.
"""

import json
import logging
import time

from tracker import request_id

# What a LogRecord carries by itself; anything else was passed in ``extra=`` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """For the plain format's ``%(request_id)s``: the same id the JSON lines carry."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_of(record)
        return True


class JsonFormatter(logging.Formatter):
    converter = time.gmtime  # UTC in every line, whatever the server's zone

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_of(record),
        }
        line |= {key: value for key, value in vars(record).items() if key not in _STANDARD}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def request_id_of(record: logging.LogRecord) -> str:
    """The id of the request a log line belongs to, or "-"."""
    if isinstance(record.args, dict) and "{x-request-id}o" in record.args:
        # gunicorn's access line, written after the response: the id is in the response's headers.
        return record.args["{x-request-id}o"]
    # Django logs a 4xx or 5xx once the middleware has finished, with the request beside it.
    return getattr(getattr(record, "request", None), "id", None) or request_id.current() or "-"
