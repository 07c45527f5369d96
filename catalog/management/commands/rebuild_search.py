"""``manage.py rebuild_search``: every product's search document normalised again (after a
change to the normalisation, a jieba dictionary or OpenCC upgrade, or a bulk import)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from catalog.models import Product
from catalog.search import refresh_search_documents
from catalog.search.documents import BATCH_SIZE


class Command(BaseCommand):
    help = "Rebuild the normalised search document of every product, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        done = refresh_search_documents(Product.objects.all(), batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"Search documents rebuilt for {done} products."))
