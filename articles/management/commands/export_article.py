"""Write an article to standard output as page text, Markdown or JSON."""

from django.core.management.base import BaseCommand, CommandError

from articles.interchange import FORMATS, render
from articles.interchange.jsonformat import content_from_document
from articles.models import Article
from articles.selectors import article_get_content


class Command(BaseCommand):
    help = "Export an article's current content (or, with --published, its approved version)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=list(FORMATS), default="text")
        parser.add_argument(
            "--published", action="store_true", help="Export the approved version readers see."
        )

    def handle(self, *args, slug, format, published, **options):
        try:
            article = Article.objects.select_related("published_version").get(slug=slug)
        except Article.DoesNotExist:
            raise CommandError(f"No article with the slug {slug!r}.") from None
        if published:
            if article.published_version is None:
                raise CommandError(f"{slug!r} has no approved version yet.")
            content = content_from_document(article.published_version.content)
        else:
            content = article_get_content(article=article)
        output = render(content, format)
        self.stdout.write(output, ending="" if output.endswith("\n") else "\n")
