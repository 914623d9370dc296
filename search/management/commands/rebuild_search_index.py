from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = (
        "Write the search index again from the published content. Saves and deletes "
        "keep it current on their own; run this after a deploy that adds search, and "
        "after writing content in bulk without Django's signals."
    )

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(f"Search index rebuilt: {count} documents.")
