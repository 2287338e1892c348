"""Vocabulary of charging: one choices class per field (style rule 8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import entitlement, pricing


class VatKind(models.TextChoices):
    """What a line sells, for VAT: the rate of each kind is data (VatRate)."""

    GOODS = "goods", _("Goods (parts and materials)")
    REPAIR = "repair", _("Repair and maintenance services")
    INSTALLATION = "installation", _("Installation services")
    IT_SERVICE = "it_service", _("IT and modern services")
    SMALL_SCALE = "small_scale", _("Small-scale taxpayer")


class LineKind(models.TextChoices):
    PARTS = pricing.PARTS, _("Parts")
    LABOUR = pricing.LABOUR, _("Labour")
    TRAVEL = pricing.TRAVEL, _("Travel")
    SURCHARGE = pricing.SURCHARGE, _("Surcharge")


RECORDED_KINDS = [(k, label) for k, label in LineKind.choices if k != LineKind.SURCHARGE]


class PartsBasis(models.TextChoices):
    FREE = pricing.FREE, _("Free")
    LIST = pricing.LIST, _("At list price")
    LIST_PERCENT = pricing.LIST_PERCENT, _("At a percentage of list price")
    COST = pricing.COST, _("At cost")


class LabourBasis(models.TextChoices):
    FREE = pricing.FREE, _("No labour charge")
    RATE = pricing.RATE, _("At an hourly rate")


class TravelBasis(models.TextChoices):
    FREE = pricing.FREE, _("No travel charge")
    RATE = pricing.RATE, _("At a rate per trip or kilometre")
    ACTUAL = pricing.ACTUAL, _("At actual cost, no markup")


class EntitlementStatus(models.TextChoices):
    WARRANTY = entitlement.WARRANTY, _("In warranty")
    LATENT_DEFECT = entitlement.LATENT_DEFECT, _("In the latent-defect period")
    MAINTENANCE = entitlement.MAINTENANCE, _("In the maintenance period")
    UNCOVERED = entitlement.UNCOVERED, _("Not covered")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Awaiting the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    DECLINED = "declined", _("Declined")


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    REVERSAL = "reversal", _("Reversal")
