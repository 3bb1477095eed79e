"""manage.py warm_edge: fill the edge with every page of the sitemap (after a deploy or a restart)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from public.warm import edge_warm, warm_paths


class Command(BaseCommand):
    help = (
        "Ask every edge node (CDN_PURGE_URLS, or --edge) once for the home page, each address "
        "of the sitemap and the feed, so that readers find them kept. Pages already kept are "
        "hits and cost the origin nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--edge",
            action="append",
            metavar="URL",
            help="an edge node, e.g. http://10.0.2.10:6081/ (repeatable; default CDN_PURGE_URLS)",
        )
        parser.add_argument("--threads", type=int, default=4, help="requests at a time (4)")

    def handle(self, *args, edge=None, threads=4, **options):
        edges = edge or settings.CDN_PURGE_URLS
        if not edges:
            raise CommandError("No edge to warm: set CDN_PURGE_URLS or give --edge URL.")
        paths = warm_paths()
        self.stdout.write(f"Warming {len(edges)} edge node(s) with {len(paths)} pages ...")
        started = time.monotonic()
        answers = edge_warm(
            paths=paths,
            edges=edges,
            threads=threads,
            progress=lambda done: self.stdout.write(f"  {done} asked"),
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{sum(answers.values())} asked in {seconds:.0f} s: {answers['MISS']} fetched from "
            f"the origin, {answers['HIT']} kept already, {answers['not kept']} not kept "
            f"(no keys: a 404, say), {answers['error']} errors"
        )
        if answers["error"]:
            raise CommandError(f"{answers['error']} requests failed: is the edge up?")
