"""The default notification policy (issue 7); the data lives in shouhou/notify/seed.py."""

from django.db import migrations

from shouhou.notify.seed import POLICY, seed


def forwards(apps, schema_editor):
    seed(apps.get_model("notify", "EventKind"), apps.get_model("notify", "NotificationRule"),
         apps.get_model("notify", "RuleTemplate"))


def backwards(apps, schema_editor):
    apps.get_model("notify", "EventKind").objects.filter(code__in=[p[0] for p in POLICY]).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0004_notification_policy_and_inbox")]
    operations = [migrations.RunPython(forwards, backwards)]
