"""`shouhou bench calendar` prints its figures as one JSON object on its last line (issue 3)."""

import json
from io import StringIO

from django.core.management import call_command


def test_bench_calendar_prints_agreeing_figures_as_its_last_line():
    out = StringIO()
    call_command("bench", "calendar", "--seconds", "0.3", stdout=out, stderr=StringIO())
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["bench"] == "calendar"
    assert figures["agree"] is True and figures["mismatches"] == 0
    assert figures["scalar_per_s"] > figures["reference_per_s"] > 0
