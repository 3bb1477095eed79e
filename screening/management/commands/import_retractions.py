"""Load the Retraction Watch CSV (Crossref's layout) and screen the library against it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from screening.models import ScreeningRun
from screening.services import notices_import

# Exit codes: 0 all rows loaded; 1 nothing loaded (the file is not the data);
# 2 loaded, but some rows were skipped (listed above the summary).
EXIT_SKIPPED = 2


class Command(BaseCommand):
    help = (
        "Import a Retraction Watch CSV file (the layout Crossref publishes), then flag approved "
        "articles citing newly retracted papers. Exit 1: nothing loaded; 2: rows skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, e.g. retraction_watch.csv")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="the file holds only some records: do not withdraw the records it lacks",
        )
        parser.add_argument(
            "--allow-mass-withdrawal",
            action="store_true",
            help="withdraw the records the file lacks even when they are many",
        )
        parser.add_argument("--encoding", default="utf-8", help="the file's encoding (utf-8)")
        parser.add_argument("--user", help="the user recorded as running the import")
        parser.add_argument("--no-screen", action="store_true", help="load only; screen later")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"No user named {options['user']!r}.")
        started = time.monotonic()
        bar = self._progress_bar(path, enabled=not options["no_progress"])
        try:
            run = notices_import(
                path=path,
                by=by,
                encoding=options["encoding"],
                partial=options["partial"],
                allow_mass_withdrawal=options["allow_mass_withdrawal"],
                screen=not options["no_screen"],
                progress=bar.update_to if bar else None,
            )
        finally:
            if bar:
                bar.close()
        for line in run.problem_lines:
            self.stderr.write(f"{path.name}: {line}")
        if run.status == ScreeningRun.Status.FAILED:
            raise CommandError(f"{path.name}: nothing was loaded.")
        self.stdout.write(self._summary(run, seconds=time.monotonic() - started))
        if run.rows_skipped:
            raise CommandError(
                f"{run.rows_skipped} rows were skipped; the others were loaded.",
                returncode=EXIT_SKIPPED,
            )

    def _progress_bar(self, path: Path, *, enabled: bool):
        """A tqdm bar over the bytes read, on a terminal only."""
        if not enabled or not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name)

        def update_to(done: int) -> None:
            bar.update(done - bar.n)

        bar.update_to = update_to
        return bar

    @staticmethod
    def _summary(run: ScreeningRun, *, seconds: float) -> str:
        lines = [
            f"Read {run.rows_read} rows in {seconds:.1f} s: {run.notices_created} new notices, "
            f"{run.notices_updated} updated, {run.notices_unchanged} unchanged, "
            f"{run.notices_withdrawn} withdrawn, {run.rows_skipped} rows skipped."
        ]
        if run.notices_in_force or run.references_screened:
            lines.append(
                f"Screened {run.references_screened} references against {run.notices_in_force} "
                f"notices: {run.references_matched} matched, {run.references_retracted} retracted; "
                f"{run.articles_flagged} articles flagged, {run.flags_cleared} flags cleared."
            )
        lines.append(f"Recorded as screening run {run.pk}.")
        return "\n".join(lines)
