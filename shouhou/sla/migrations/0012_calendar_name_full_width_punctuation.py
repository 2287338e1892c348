"""The seeded 5×8 calendar's name in Chinese punctuation (full-width brackets and comma)."""

from django.db import migrations

OLD = "中国大陆 5×8(09:00–18:00,午休 12:00–13:00)"
NEW = "中国大陆 5×8（09:00–18:00，午休 12:00–13:00）"


def forwards(apps, schema_editor):
    apps.get_model("sla", "WorkingCalendar").objects.filter(code="cn-5x8", name=OLD).update(name=NEW)


def backwards(apps, schema_editor):
    apps.get_model("sla", "WorkingCalendar").objects.filter(code="cn-5x8", name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("sla", "0011_named_events_accept_is_contact")]
    operations = [migrations.RunPython(forwards, backwards)]
