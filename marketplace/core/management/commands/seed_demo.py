"""Create (or bring up to date) the demo data of every app. Safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marketplace.core.seeding import run_seeds


class Command(BaseCommand):
    help = "Create the demo accounts and data of every app (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=None,
            help="also build a large catalogue of N products for benchmarks (bulk inserts)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_seeds(options=options, log=lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
