"""Customer, site and contact services: who may write what, tenancy, optimistic locking."""

import pytest

from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.customers import services
from shouhou.customers.models import Customer, Site


def test_desk_registers_customer_for_any_dealer(world):
    customer = services.create_customer(world.desk, {"code": "C100", "name": "新客户", "dealer": world.dealer_org_b})
    assert customer.dealer == world.dealer_org_b and customer.version == 1


def test_dealer_registers_own_customer_P6_1(world):
    """Given dealer A registers a sale's customer, then the customer is served by dealer A."""
    customer = services.create_customer(world.dealer_a, {"code": "C101", "name": "农机大户"})
    assert customer.dealer_id == world.dealer_org_a.pk


def test_dealer_never_reassigns_customer_to_another_dealer(world):
    with pytest.raises(ServiceError) as exc:
        services.update_customer(world.dealer_a, world.cust_a, {"dealer": world.dealer_org_b}, 1)
    assert exc.value.field == "dealer"
    with pytest.raises(ServiceError):
        services.create_customer(world.dealer_a, {"code": "C102", "name": "x", "dealer": world.dealer_org_b})
    world.cust_a.refresh_from_db()
    assert world.cust_a.dealer == world.dealer_org_a


def test_dealer_cannot_edit_another_dealers_customer(world):
    with pytest.raises(ServiceError) as exc:
        services.update_customer(world.dealer_a, world.cust_b, {"name": "hijack"}, 1)
    assert exc.value.code == "not_visible"


@pytest.mark.parametrize("persona", ["customer_a", "engineer", "finance"])
def test_read_only_roles_cannot_write_reference_data(world, persona):
    with pytest.raises(PermissionDeniedError):
        services.create_site(world.users[persona], {"customer": world.cust_a, "name": "x"})


def test_stale_customer_update_is_a_conflict_never_an_overwrite(world):
    services.update_customer(world.desk, world.cust_a, {"phone": "021-1"}, 1)
    stale = Customer.objects.get(pk=world.cust_a.pk)
    with pytest.raises(ConflictError):
        services.update_customer(world.dispatcher, stale, {"phone": "021-2"}, 1)
    stale.refresh_from_db()
    assert (stale.phone, stale.version) == ("021-1", 2)


def test_update_without_version_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        services.update_customer(world.desk, world.cust_a, {"phone": "1"}, None)
    assert exc.value.code == "version_required"


def test_dealer_adds_site_only_to_own_customer(world):
    site = services.create_site(world.dealer_a, {"customer": world.cust_a, "name": "二期"})
    assert site.customer == world.cust_a
    with pytest.raises(ServiceError) as exc:
        services.create_site(world.dealer_a, {"customer": world.cust_b, "name": "二期"})
    assert exc.value.field == "customer"


def test_site_never_moves_to_another_customer(world):
    with pytest.raises(ServiceError) as exc:
        services.update_site(world.desk, world.site_a, {"customer": world.cust_b}, 1)
    assert exc.value.code == "site_customer_fixed"


def test_site_time_zone_is_validated(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_site(world.desk, {"customer": world.cust_a, "name": "x", "time_zone": "Mars/Base"})
    assert not Site.objects.filter(name="x").exists()


def test_contact_site_must_belong_to_the_same_customer(world):
    with pytest.raises(ServiceError) as exc:
        services.create_contact(world.desk, {"customer": world.cust_a, "site": world.site_b, "name": "李"})
    assert exc.value.field == "site"
    contact = services.create_contact(world.desk, {"customer": world.cust_a, "site": world.site_a, "name": "李"})
    contact = services.update_contact(world.desk, contact, {"phone": "139"}, 1)
    assert contact.version == 2
