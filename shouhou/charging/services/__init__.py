"""The only code that changes charging records (style rule 4): the catalogue and price lists
(catalogue), entitlement decisions and overrides (decisions), quotes and the ledger (quotes)."""

from .catalogue import (
    create_part,
    create_price_list,
    create_rule,
    import_price_list,
    update_part,
    update_rule,
)
from .decisions import decide_entitlement, override_entitlement, rule_for_ticket
from .quotes import (
    accept_quote,
    add_quote_line,
    create_quote,
    decline_quote,
    propose_quote,
    remove_quote_line,
    reverse_charge,
)

__all__ = ["accept_quote", "add_quote_line", "create_part", "create_price_list", "create_quote", "create_rule",
           "decide_entitlement", "decline_quote", "import_price_list", "override_entitlement", "propose_quote",
           "remove_quote_line", "reverse_charge", "rule_for_ticket", "update_part", "update_rule"]
