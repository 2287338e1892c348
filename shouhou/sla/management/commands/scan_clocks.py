"""`shouhou scan_clocks`: mark breaches and fire due escalations once (the worker does it periodically)."""

import json

from django.core.management.base import BaseCommand

from shouhou.sla.tasks import scan_clocks


class Command(BaseCommand):
    help = "Scan service-plan clocks: mark breaches, fire due escalations (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(scan_clocks()))
