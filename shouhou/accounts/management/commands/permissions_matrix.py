"""`manage.py permissions_matrix [--check] [--file docs/permissions.md]`: write (or check) the generated matrix."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shouhou.accounts.matrix import render


class Command(BaseCommand):
    help = "Write the permission matrix (role × action × scope) generated from accounts.permissions."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(Path(settings.BASE_DIR).parent / "docs" / "permissions.md"))
        parser.add_argument("--check", action="store_true", help="Fail if the file is not up to date.")

    def handle(self, file, check=False, **options):
        path = Path(file)
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is stale: run `python manage.py permissions_matrix`.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
