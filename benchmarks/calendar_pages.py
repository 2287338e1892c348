"""Time the working-calendar pages (issue 8: the calendar edit page took 7–15 s and 1.6 MB).

    DATABASE_URL=sqlite:////tmp/shouhou_calbench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/shouhou_calbench.sqlite3 python benchmarks/calendar_pages.py

Logs in an administrator (created when missing) and GETs the Django-admin change page of the
seeded mainland-China calendar and the calendar page of the app, five times each; prints the
median time, the size and the number of holiday rows on one JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # run from the checkout to measure
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from shouhou.accounts.models import User  # noqa: E402
from shouhou.sla.models import WorkingCalendar  # noqa: E402


def measure(client: Client, url: str, runs: int = 5) -> dict:
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, secure=True)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return {"url": url, "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3), "bytes": size}


def main() -> None:
    setup_test_environment()
    admin = User.objects.filter(username="calbench").first() or User.objects.create_superuser(
        "calbench", "calbench@example.invalid", "calbench-password", role="admin")
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    client = Client()
    client.force_login(admin)
    out = {"holiday_rows": calendar.days.count(),
           "admin_change": measure(client, f"/admin/sla/workingcalendar/{calendar.pk}/change/"),
           "calendar_page": measure(client, f"/sla/calendars/{calendar.pk}/")}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
