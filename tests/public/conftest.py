import datetime
from pathlib import Path

import pytest

from articles import services
from tests.factories import UserFactory, make_policy

SEEDS_DIR = Path(__file__).resolve().parents[2] / "data" / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture
def policy(db):
    return make_policy(1, datetime.date(2025, 1, 1))


@pytest.fixture
def reader(db):
    """A signed-in member of the public: no desk rights."""
    return UserFactory(username="reader")


def seed_text(index: int) -> str:
    assert len(SEED_FILES) > index, f"seed article {index} missing from {SEEDS_DIR}"
    return SEED_FILES[index].read_text(encoding="utf-8")


def import_seed(index: int, *, by):
    """A seed page imported the way the importer does it: created, then received as submitted."""
    from articles.interchange import parse_text

    content = parse_text(seed_text(index))
    article = services.article_create(by=by, title=content.title, content=content)
    return services.article_receive_import(article=article, by=by, note="Imported")
