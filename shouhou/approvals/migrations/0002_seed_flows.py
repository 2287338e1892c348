"""Seed one approval flow per kind of request named in issue 6 (data; edit them in the admin).

Each tuple of roles is one step, decided in order.  The repair task form follows P13.8: reviewed by
the department head (dispatcher / service manager role), then approved by the unit leader
(leadership role).  Flows already present are left as an admin may have changed them.
"""

from django.db import migrations

FLOWS = {
    "override": [("dispatcher",), ("leadership",)],
    "quote": [("dispatcher",), ("finance",)],
    "discount": [("finance",), ("leadership",)],
    "claim": [("technical",), ("finance",)],
    "statement": [("finance",), ("leadership",)],
    "breach_exemption": [("dispatcher",), ("leadership",)],
    "repair_task_form": [("dispatcher",), ("leadership",)],
}


def seed(apps, schema_editor):
    Flow = apps.get_model("approvals", "ApprovalFlow")
    Step = apps.get_model("approvals", "ApprovalStep")
    for kind, steps in FLOWS.items():
        flow, created = Flow.objects.get_or_create(kind=kind)
        if created:
            Step.objects.bulk_create(
                Step(flow=flow, position=position, roles=",".join(roles))
                for position, roles in enumerate(steps, start=1)
            )


def unseed(apps, schema_editor):
    Flow = apps.get_model("approvals", "ApprovalFlow")
    Flow.objects.filter(kind__in=FLOWS, requests__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
