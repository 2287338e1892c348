"""The explicit system actor (issue 6): one user row that acts for scans, escalations and CLI runs.

It has role "system" and an unusable password, and the login backend refuses it, so it can never
log in; timeline entries that no person caused name it instead of nobody.
"""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def create_system_user(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    if not User.objects.filter(username="system").exists():
        User.objects.create(username="system", role="system", first_name="系统", is_active=True,
                            password=make_password(None))


class Migration(migrations.Migration):

    dependencies = [("accounts", "0003_teams_and_system_role")]

    operations = [migrations.RunPython(create_system_user, migrations.RunPython.noop)]
