"""What gunicorn's master does once before forking its workers (tracker/warm.py): a worker's
first requests find every template compiled and the bank holidays read."""

import runpy
from pathlib import Path
from unittest import mock

from django.db import connection
from django.template import engines

from returns.window import bank_holidays
from tracker import warm

ROOT = Path(__file__).resolve().parent.parent


def test_after_warming_no_template_is_read_or_compiled_again():
    env = engines["jinja2"].env
    names = env.list_templates(extensions=["jinja"])
    assert warm.warm() == len(names) > 100
    assert not env.auto_reload
    with mock.patch.object(env.loader, "get_source", side_effect=AssertionError("read again")):
        for name in names:
            env.get_template(name)  # from the compiled templates the warm-up kept


def test_warming_reads_this_and_next_years_bank_holidays():
    from django.utils import timezone

    bank_holidays.cache_clear()
    warm.warm()
    year = timezone.localdate().year
    with mock.patch("holidays.country_holidays", side_effect=AssertionError("read again")):
        assert bank_holidays(year) is not None
        assert bank_holidays(year + 1) is not None


def test_warming_touches_no_database():
    """Nothing a forked worker could inherit half-used: this test refuses any database access."""
    with mock.patch.object(connection, "ensure_connection", side_effect=AssertionError("database touched")):
        warm.warm()


def test_gunicorn_warms_then_freezes_before_forking_its_workers():
    config = runpy.run_path(str(ROOT / "tracker" / "gunicorn.conf.py"))
    assert config["preload_app"] is True  # the workers are forked from a master that loaded the app
    calls = []
    with (
        mock.patch.object(warm, "warm", side_effect=lambda: calls.append("warm")),
        mock.patch("gc.freeze", side_effect=lambda: calls.append("freeze")),
    ):
        config["when_ready"](server=None)
    assert calls == ["warm", "freeze"]
