"""Signals through which higher apps take part in asset rules without being imported here.

`warranty_terms` asks: which (months, start rule) govern this asset's warranty?  The contracts
app answers for assets its contracts cover (P8.3, P13.1); with no answer, the product model's
default months count from acceptance.
"""

from django.dispatch import Signal

# receivers: (sender, asset, **kwargs) -> tuple[int, str] | None
warranty_terms = Signal()
