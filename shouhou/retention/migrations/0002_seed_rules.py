"""Seed the retention rules (issue 6): service records 5 years (P13.9), accounting records 30
years, personal data of ended relationships 5 years (PIPL).  Administrators edit them later."""

from django.db import migrations

RULES = [
    ("service", 5, "anonymise", "P13.9: repair cards, warranty cards, visit reports, task forms, registers — 5 years"),
    ("accounting", 30, "delete", "会计档案管理办法: accounting vouchers and books — 30 years"),
    ("personal", 5, "anonymise", "PIPL art. 19, 47: no longer than the service records they belong to"),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for kind, years, action, basis in RULES:
        RetentionRule.objects.get_or_create(kind=kind, defaults={"years": years, "action": action, "basis": basis})


def unseed(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.filter(kind__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
