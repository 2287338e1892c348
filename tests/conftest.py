"""Named personas and a small world, set up through the models' own rules.

World: our company; dealer 东风经销 serving customer 华东大厦; dealer 西岭经销 serving 西岭医院;
customer users for each; staff in every internal role.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from shouhou.accounts.choices import OrganisationKind, Role
from shouhou.accounts.models import Organisation, User
from shouhou.assets.models import Asset, ProductModel
from shouhou.contracts.models import Contract
from shouhou.customers.models import Customer, ServiceZone, Site

PASSWORD = "Shouhou-test-2026"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Plain HTTP on the test client (production redirects to HTTPS), a fast hasher, and webhook
    receivers on loopback (every test receiver listens on 127.0.0.1; issue 6 refuses it by default)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.NOTIFY_WEBHOOK_ALLOW_LOOPBACK = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username, role, organisation=None, **extra):
    user = User(username=username, role=role, organisation=organisation, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world(db):
    """A small but complete world shared by tests of every app."""
    own = Organisation.objects.create(name="本公司", kind=OrganisationKind.OWN)
    dealer_a = Organisation.objects.create(name="东风经销", kind=OrganisationKind.DEALER)
    dealer_b = Organisation.objects.create(name="西岭经销", kind=OrganisationKind.DEALER)
    cust_org_a = Organisation.objects.create(name="华东大厦物业", kind=OrganisationKind.CUSTOMER)
    cust_org_b = Organisation.objects.create(name="西岭医院后勤", kind=OrganisationKind.CUSTOMER)
    city = ServiceZone.objects.create(code="city", name="市内")
    customer_a = Customer.objects.create(code="C001", name="华东大厦", dealer=dealer_a, organisation=cust_org_a,
                                         is_key_customer=True)
    customer_b = Customer.objects.create(code="C002", name="西岭医院", dealer=dealer_b, organisation=cust_org_b)
    site_a = Site.objects.create(customer=customer_a, name="华东大厦一期", address="上海市浦东新区", zone=city)
    site_b = Site.objects.create(customer=customer_b, name="西岭医院门诊楼", address="成都市", zone=city)
    door = ProductModel.objects.create(code="FM-100", name="钢质防火门", category="防火门", default_warranty_months=24)
    asset_a = Asset.objects.create(serial_no="FD-A-0001", certificate_no="CERT-A-1", product_model=door,
                                   customer=customer_a, site=site_a, install_date=dt.date(2026, 1, 5),
                                   acceptance_date=dt.date(2026, 1, 10), warranty_start=dt.date(2026, 1, 10),
                                   warranty_end=dt.date(2028, 1, 9))
    asset_b = Asset.objects.create(serial_no="FD-B-0001", product_model=door, customer=customer_b, site=site_b)
    contract_a = Contract.objects.create(number="HT-2026-001", title="华东大厦维保", customer=customer_a,
                                         service_level="A", start_date=dt.date(2026, 1, 1))
    contract_a.assets.add(asset_a)
    users = {
        "desk": make_user("desk", Role.SERVICE_DESK, own, first_name="小王"),
        "dispatcher": make_user("dispatcher", Role.DISPATCHER, own, first_name="调度李"),
        "engineer": make_user("engineer", Role.ENGINEER, own, first_name="工程师张"),
        "engineer2": make_user("engineer2", Role.ENGINEER, own, first_name="工程师赵"),
        "technical": make_user("technical", Role.TECHNICAL, own),
        "finance": make_user("finance", Role.FINANCE, own),
        "admin": make_user("admin", Role.ADMIN, own, is_staff=True, is_superuser=True),
        "dealer_a": make_user("dealer_a", Role.DEALER_STAFF, dealer_a),
        "dealer_b": make_user("dealer_b", Role.DEALER_STAFF, dealer_b),
        "customer_a": make_user("customer_a", Role.CUSTOMER_USER, cust_org_a, first_name="业主陈"),
        "customer_b": make_user("customer_b", Role.CUSTOMER_USER, cust_org_b),
    }
    # Personas (users) keep the short names; their organisations and customers get explicit ones.
    return type("World", (), dict(
        own=own, dealer_org_a=dealer_a, dealer_org_b=dealer_b, cust_a=customer_a, cust_b=customer_b,
        site_a=site_a, site_b=site_b, door=door, asset_a=asset_a, asset_b=asset_b, contract_a=contract_a,
        zone=city, users=users, **users,
    ))


@pytest.fixture
def api():
    """An API client; call `api.force_authenticate(user)` or use `api_as`."""
    return APIClient()


@pytest.fixture
def browse(world):
    """`browse("desk")`: a web client logged in as that persona."""
    from django.test import Client

    def _as(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return _as


@pytest.fixture
def api_as(world):
    def _as(name):
        client = APIClient()
        client.force_authenticate(world.users[name])
        return client

    return _as
