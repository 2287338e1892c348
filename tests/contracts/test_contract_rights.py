"""A contract's level and warranty terms change only with a reason (issue 6)."""

from __future__ import annotations

import pytest

from shouhou.contracts import services
from shouhou.core.errors import REFUSED, PermissionDeniedError, ServiceError


def test_changing_a_contracts_service_level_needs_a_reason(world):
    with pytest.raises(ServiceError) as refused:
        services.update_contract(world.desk, world.contract_a, {"service_level": "C"}, 1)
    assert refused.value.code == "reason_required" and refused.value.field == "reason"
    contract = services.update_contract(world.desk, world.contract_a, {"service_level": "C"}, 1, reason="续签降级")
    assert contract.service_level == "C" and contract._change_reason == "续签降级"


def test_a_title_change_needs_no_reason(world):
    assert services.update_contract(world.desk, world.contract_a, {"title": "华东大厦维保（新）"}, 1).version == 2


@pytest.mark.parametrize("persona", ["dealer_a", "finance", "engineer"])
def test_only_the_owning_roles_change_a_contract(world, persona):
    with pytest.raises(PermissionDeniedError) as refused:
        services.update_contract(world.users[persona], world.contract_a, {"service_level": "C"}, 1, reason="x")
    assert refused.value.code == REFUSED
