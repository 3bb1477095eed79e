"""Screen the whole reference library against the notices already imported."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from screening.library import library_rescreen


class Command(BaseCommand):
    help = (
        "Screen every library reference and approved article against the imported retraction "
        "notices; flag and notify as an import does."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        run = library_rescreen()
        self.stdout.write(
            f"Screened {run.references_screened} references against {run.notices_in_force} "
            f"notices in {time.monotonic() - started:.1f} s: {run.references_matched} matched, "
            f"{run.references_retracted} retracted; {run.articles_flagged} articles flagged, "
            f"{run.flags_cleared} flags cleared. Recorded as screening run {run.pk}."
        )
