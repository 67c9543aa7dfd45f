"""gunicorn settings; every value can be overridden on the command line or by env."""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
max_requests = 2000  # recycle workers now and then so memory stays flat
max_requests_jitter = 200
accesslog = "-" if os.environ.get("ACCESS_LOG", "true").lower() in {"1", "true", "yes"} else None
# The request id (tracker/request_id.py) is the response's X-Request-ID header.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = True
# No control socket: it has one default path per machine, which two app servers would share.
control_socket_disable = True

# gunicorn's own lines (start, stop, worker timeouts, access) in the portal's format:
# JSON with the request id unless LOG_FORMAT=plain.
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "tracker.logs.JsonFormatter"}},
        "root": {"level": "INFO", "handlers": ["console"]},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }

# Metrics from every worker (tracker/metrics.py): each writes its samples to files in this
# folder, set before the app is loaded; one folder per app server, emptied when it starts.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tracker-metrics-")


def on_starting(server):
    from tracker.embedded_postgres import ensure_running

    metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(metrics_dir, exist_ok=True)
    for name in os.listdir(metrics_dir):  # a previous run's samples are not this one's
        if name.endswith(".db"):
            os.remove(os.path.join(metrics_dir, name))
    ensure_running()  # no-op when DATABASE_URL is set


def when_ready(server):
    # The app is loaded (preload_app) and the workers not yet forked: what each would do on its
    # first requests is done once, here (tracker/warm.py).
    from tracker.warm import before_forking

    before_forking()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
