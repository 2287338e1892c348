"""VAT rates as data (the rates in force since 1 April 2019): 13 % goods and repair services,
9 % installation (construction services), 6 % IT and modern services, 3 % small-scale taxpayers."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RATES = {"goods": "0.13", "repair": "0.13", "installation": "0.09", "it_service": "0.06", "small_scale": "0.03"}


def seed(apps, schema_editor):
    VatRate = apps.get_model("charging", "VatRate")
    for kind, rate in RATES.items():
        VatRate.objects.get_or_create(kind=kind, valid_from=date(2019, 4, 1), defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("charging", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
