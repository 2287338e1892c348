"""Models of the charging app: the part catalogue and price lists, charging rules, and the money
side of a service request (entitlement, quotes, the ledger)."""

from .catalogue import Part, PriceList, PriceListLine, PriceListVersion, VatRate
from .quotes import ChargeEntry, Quote, QuoteLine, TicketEntitlement
from .rules import ChargingRule

__all__ = ["ChargeEntry", "ChargingRule", "Part", "PriceList", "PriceListLine", "PriceListVersion", "Quote",
           "QuoteLine", "TicketEntitlement", "VatRate"]
