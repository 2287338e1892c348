"""`shouhou seed_calendars`: add China's statutory days (chinese_calendar) and the plan templates.

Also runs after every `migrate` (post_migrate); idempotent, never overwrites edited days.
"""

from django.core.management.base import BaseCommand

from shouhou.sla.services import expiring_calendars, seed_calendars, seed_plan_templates


class Command(BaseCommand):
    help = "Seed working calendars with mainland China's statutory holidays and make-up days, and the plan templates."

    def handle(self, *args, **options):
        result = seed_calendars()
        templates = seed_plan_templates()
        self.stdout.write(f"calendars created: {result['calendars_created']}, days added: {result['days_added']}, "
                          f"templates created: {templates}")
        for calendar, left in expiring_calendars():
            self.stderr.write(f"warning: calendar {calendar.code} known until {calendar.known_until} ({left} days left)")
