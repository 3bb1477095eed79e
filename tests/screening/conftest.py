import pytest
from django.core.management import call_command

from articles.content import ArticleContent, ClaimData, ClaimKind
from tests.factories import reference_data


def cited_content(*references, title: str = "What is baclofen used for?") -> ArticleContent:
    """A heading, then one claim per reference citing it (claim n cites reference n)."""
    claims = [ClaimData(kind=ClaimKind.HEADING, text="Uses")]
    claims += [
        ClaimData(kind=ClaimKind.PARAGRAPH, text=f"Claim {n} states a fact.", citations=(n,))
        for n in range(1, len(references) + 1)
    ]
    return ArticleContent(
        title=title, display_heading="", claims=tuple(claims), references=tuple(references)
    )


def paper(n: int, *, doi: str = "", pmid: str = ""):
    return reference_data(n, doi=doi, pmid=pmid)


@pytest.fixture
def import_csv(tmp_path):
    """Run ``import_retractions`` on a file; returns (exit code, stdout, stderr)."""
    from io import StringIO

    from django.core.management.base import CommandError

    def run(path, *args):
        out, err = StringIO(), StringIO()
        try:
            call_command(
                "import_retractions", str(path), "--no-progress", *args, stdout=out, stderr=err
            )
            code = 0
        except CommandError as error:
            code = error.returncode
            err.write(str(error))
        return code, out.getvalue(), err.getvalue()

    return run
