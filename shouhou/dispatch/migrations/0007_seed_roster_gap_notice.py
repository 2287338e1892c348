"""The notification kind "roster.gap" (duty coverage gaps) and its rule; the data is in notify/seed.py."""

from django.db import migrations


def forwards(apps, schema_editor):
    from shouhou.notify.seed import seed

    seed(apps.get_model("notify", "EventKind"), apps.get_model("notify", "NotificationRule"),
         apps.get_model("notify", "RuleTemplate"))


def backwards(apps, schema_editor):
    apps.get_model("notify", "EventKind").objects.filter(code="roster.gap").delete()


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0006_duty_roster"), ("notify", "0006_audit_the_policy")]
    operations = [migrations.RunPython(forwards, backwards)]
