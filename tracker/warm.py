"""Work every worker would otherwise do on its first requests, done once in gunicorn's master
before it forks them (tracker/gunicorn.conf.py loads the app there: ``preload_app``).

gunicorn replaces each worker after about 2,000 requests. A new worker compiled each Jinja2
template on the first request that drew it (all 134: 1 s of CPU; a page's first request took
30 to 110 ms where later ones take 7 to 13) and loaded England's bank holidays on the first
page that asked (60 ms): on a busy server, a second of CPU taken from the pages being served
each time a worker was replaced. Done here, the compiled templates are every worker's from the
start, shared with the master until written to. Then the master's objects are frozen out of
the garbage collector's sight (``gc.freeze``): a worker's collections no longer walk the
app's long-lived objects, nor copy the memory that holds them.
See docs/adr/023-everyday-pages-speed.md.
"""

import gc

from django.apps import apps
from django.db import connections
from django.template import engines
from django.urls import get_resolver


def warm() -> int:
    """Compile every Jinja2 template, fill the URL resolver's tables and run each app's own
    ``warm()`` (its AppConfig's, where it has one). Returns how many templates were compiled.
    Leaves no database connection open for a forked worker to share."""
    env = engines["jinja2"].env
    names = env.list_templates(extensions=["jinja"])
    for name in names:
        env.get_template(name)
    get_resolver().reverse_dict  # noqa: B018 - read to be filled, as the first reverse() would in each worker
    for config in apps.get_app_configs():
        if callable(app_warm := getattr(config, "warm", None)):
            app_warm()
    connections.close_all()
    return len(names)


def before_forking() -> None:
    """``warm``, then keep the garbage collector off what the workers inherit."""
    warm()
    gc.freeze()
