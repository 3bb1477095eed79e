"""Import articles from seed page text, Markdown or JSON files."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_fsm import TransitionNotAllowed

from articles.content import ContentParseError
from articles.errors import WorkflowConflict
from articles.imports import article_import, importer_user
from articles.interchange import FORMATS, parse_bytes
from articles.selectors import article_get_content


class Command(BaseCommand):
    help = (
        "Import article files (page text .txt, Markdown .md, JSON .json). Each file is "
        "imported on its own: one that fails leaves nothing behind and does not stop the others."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--format", choices=list(FORMATS), help="Override detection by extension."
        )
        parser.add_argument(
            "--user", help="Record the import under this user (default: 'importer')."
        )

    def handle(self, *args, files, format=None, user=None, **options):
        by = self._user(user)
        failures = 0
        for name in files:
            try:
                result, unresolved = self._import_one(Path(name), fmt=format, by=by)
            except CommandError as error:
                failures += 1
                self.stderr.write(f"{name}: {error}")
                continue
            self.stdout.write(
                f"{name}: {result.outcome} {result.article.slug} ({result.article.get_state_display()})"
                + (
                    f"; unresolved citations: {', '.join(map(str, unresolved))}"
                    if unresolved
                    else ""
                )
            )
        if failures:
            raise CommandError(
                f"{failures} of {len(files)} file(s) failed; nothing was written for them."
            )

    def _user(self, username):
        if not username:
            return importer_user()
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def _import_one(self, path: Path, *, fmt, by):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read: {error.strerror}") from None
        try:
            content = parse_bytes(data, filename=path.name, fmt=fmt)
            result = article_import(content=content, by=by, source_name=path.name)
        except ContentParseError as error:
            raise CommandError("; ".join(str(e) for e in error.errors)) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except (PermissionDenied, TransitionNotAllowed, WorkflowConflict) as error:
            raise CommandError(str(error)) from None
        return result, article_get_content(article=result.article).unresolved_numbers()
