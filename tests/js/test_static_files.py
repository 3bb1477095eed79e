"""The vendored Stimulus and the controllers are static files like any other: found by the
finders, collected and hashed by the production storage, and the copy is the pinned release."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

from tests.browser import REPO_ROOT

PACKAGE = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))
VERSION = PACKAGE["dependencies"]["@hotwired/stimulus"]
VENDORED = f"vendor/stimulus-{VERSION}.js"
MODULES = [
    VENDORED,
    "js/desk-controllers.js",
    "js/controllers/autosave.js",
    "js/controllers/draft_keeper.js",
    "js/controllers/review_keys.js",
    "js/controllers/unsaved_warning.js",
    "js/controllers/form_values.js",
]


def test_the_version_is_pinned_exactly_and_named_in_the_file():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION
    assert (REPO_ROOT / "static" / VENDORED).is_file()
    assert VENDORED in (REPO_ROOT / "static/js/desk-controllers.js").read_text(encoding="utf-8")


def test_the_vendored_copy_is_the_installed_release():
    installed = REPO_ROOT / "node_modules/@hotwired/stimulus"
    if not installed.is_dir():
        pytest.skip("node_modules not installed (scripts/install_browser_tools.sh)")
    assert json.loads((installed / "package.json").read_text())["version"] == VERSION
    dist = (installed / "dist/stimulus.js").read_bytes()
    assert (REPO_ROOT / "static" / VENDORED).read_bytes() == dist


@pytest.mark.parametrize("path", MODULES)
def test_the_finders_find_each_module(path):
    assert finders.find(path), path


def test_collectstatic_with_the_production_storage_keeps_every_module(tmp_path):
    # The modules import each other by relative, unhashed names; the manifest storage keeps
    # the unhashed copies beside the hashed ones, so those imports resolve after a deploy.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for path in MODULES:
        assert path in manifest, path
        assert (tmp_path / path).is_file(), path
        assert (tmp_path / manifest[path]).is_file(), manifest[path]
