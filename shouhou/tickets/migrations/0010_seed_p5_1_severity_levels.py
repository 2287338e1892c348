"""Seed the P5.1 fault levels as the company's severity levels (issue 8), so tickets' existing
severity values 1–3 keep their names and definitions; a company edits or extends them later."""

from django.db import migrations

P5_1 = [
    (1, "一级 – 重大故障", "系统瘫痪或服务中断超过 10 分钟，或关键数据丢失；业务无法运行。"),
    (2, "二级 – 主要故障", "主要功能失效或性能严重下降；业务勉强运行。"),
    (3, "三级 – 一般故障", "一般故障或咨询；业务不受影响。"),
]


def seed(apps, schema_editor):
    SeverityLevel = apps.get_model("tickets", "SeverityLevel")
    for rank, name, definition in P5_1:
        SeverityLevel.objects.get_or_create(rank=rank, defaults={"name": name, "definition": definition})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_severity_levels_as_data")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
