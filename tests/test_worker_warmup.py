"""A new worker is made ready before its first reader, without reading the database."""

import runpy
from pathlib import Path

from django.template import engines
from django.urls import get_resolver

from editorial.warmup import reader_template_names, ready_worker

ROOT = Path(__file__).resolve().parents[1]


def test_ready_worker_compiles_the_readers_templates_and_reads_no_database():
    # No database for this test: a query would fail it ("Database access not allowed").
    names = reader_template_names()
    assert "base.html" in names and "public/article_detail.html" in names
    assert not any(name.startswith("desk/") for name in names)

    assert ready_worker() == names

    assert get_resolver()._reverse_dict  # the reverse table is built
    loader = engines["django"].engine.template_loaders[0]  # the cached loader, as deployed
    assert set(names) <= set(loader.get_template_cache)


def test_gunicorn_readies_each_worker_after_it_loads_the_site(monkeypatch):
    called = []
    monkeypatch.setattr("editorial.warmup.ready_worker", lambda: called.append(True))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["post_worker_init"](worker=None)
    assert called == [True]
