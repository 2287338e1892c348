"""Issue 6: customers, sites and contacts keep an audit trail — who changed what, when, before/after
and why — shown on their pages and through …/{id}/history/, scoped like the record itself; and
reference data imported by `shouhou import` is audited with the system or the acting user."""

from django.core.management import call_command

from shouhou.accounts.permissions import system_user
from shouhou.customers import services
from shouhou.customers.models import Contact, Customer, Site


def test_a_customer_edit_records_who_before_after_and_why(world):
    customer = Customer.objects.get(pk=world.cust_a.pk)
    services.update_customer(world.desk, customer, {"phone": "021-5555", "reason": "客户来电更正"}, 1)
    row = customer.history.latest()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("~", world.desk, "客户来电更正")
    assert (row.prev_record.phone, row.phone, row.version) == ("", "021-5555", 2)


def test_the_customer_page_shows_fields_changed_from_to_with_translated_labels(browse, world):
    client = browse("desk")
    response = client.post(f"/customers/{world.cust_a.pk}/edit/", {
        "code": "C001", "name": "华东大厦（新）", "is_key_customer": "on", "dealer": world.dealer_org_a.pk,
        "organisation": world.cust_a.organisation_id, "version": 1, "reason": "更名"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(f"/customers/{world.cust_a.pk}/edit/", {
        "code": "C001", "name": "华东大厦（二期）", "dealer": world.dealer_org_a.pk,
        "organisation": world.cust_a.organisation_id, "version": 2})
    page = client.get(f"/customers/{world.cust_a.pk}/").content.decode()
    assert "名称：华东大厦（新） → 华东大厦（二期）" in page
    assert "重点客户：是 → 否" in page
    assert "更名" in page


def test_internal_notes_changes_stay_hidden_from_customer_users(world, api_as, browse):
    customer = Customer.objects.get(pk=world.cust_a.pk)
    services.update_customer(world.desk, customer, {"notes": "欠款未结清，谨慎服务"}, 1)
    assert "欠款未结清" in browse("desk").get(f"/customers/{customer.pk}/").content.decode()
    assert "欠款未结清" not in browse("customer_a").get(f"/customers/{customer.pk}/").content.decode()
    staff = api_as("desk").get(f"/api/v1/customers/{customer.pk}/history/").json()["results"]
    mine = api_as("customer_a").get(f"/api/v1/customers/{customer.pk}/history/").json()["results"]
    assert staff[0]["changes"][0]["field"] == "notes"
    assert [e["action"] for e in staff] == ["changed", "created"]
    assert [e["action"] for e in mine] == ["created"]  # the change touched only a field they do not see


def test_other_tenants_cannot_read_a_customers_history(api_as, world):
    assert api_as("dealer_b").get(f"/api/v1/customers/{world.cust_a.pk}/history/").status_code == 404
    assert api_as("customer_b").get(f"/api/v1/sites/{world.site_a.pk}/history/").status_code == 404
    assert api_as("dealer_a").get(f"/api/v1/sites/{world.site_a.pk}/history/").status_code == 200


def test_site_and_contact_changes_through_the_api_are_audited(api_as, world):
    response = api_as("dealer_a").patch(f"/api/v1/sites/{world.site_a.pk}/", {
        "address": "上海市浦东新区世纪大道 1 号", "version": 1, "reason": "地址补全"}, format="json")
    assert response.status_code == 200, response.content
    entry = api_as("desk").get(f"/api/v1/sites/{world.site_a.pk}/history/").json()["results"][0]
    assert (entry["user"], entry["reason"]) == (world.dealer_a.pk, "地址补全")
    assert entry["changes"] == [{"field": "address", "label": "地址", "old": "上海市浦东新区",
                                 "new": "上海市浦东新区世纪大道 1 号", "old_display": "上海市浦东新区",
                                 "new_display": "上海市浦东新区世纪大道 1 号"}]
    contact = services.create_contact(world.desk, {"customer": world.cust_a, "name": "王经理", "phone": "139"})
    assert [(r.history_type, r.history_user) for r in contact.history.all()] == [("+", world.desk)]


def test_the_site_page_shows_its_history(browse, world):
    site = Site.objects.get(pk=world.site_a.pk)
    services.update_site(world.desk, site, {"zone": None}, 1)
    services.update_site(world.desk, site, {"zone": world.zone}, 2)
    page = browse("dealer_a").get(f"/customers/sites/{site.pk}/").content.decode()
    assert "服务区域：— → 市内" in page


def test_cli_import_records_the_system_or_the_acting_user(world, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("客户编号,客户名称\nC100,导入客户甲\n", encoding="utf-8-sig")
    call_command("import_data", "customers", str(path))
    path.write_text("客户编号,客户名称\nC101,导入客户乙\n", encoding="utf-8-sig")
    call_command("import_data", "customers", str(path), "--as", "desk")
    first, second = Customer.objects.get(code="C100"), Customer.objects.get(code="C101")
    # without --as the system actor acts, and the history names it (issue 6)
    assert [(r.history_type, r.history_user_id) for r in first.history.all()] == [("+", system_user().pk)]
    assert [(r.history_type, r.history_user_id) for r in second.history.all()] == [("+", world.desk.pk)]


def test_contacts_are_audited_when_they_change(world):
    contact = services.create_contact(system_user(), {"customer": world.cust_a, "name": "李工"})
    services.update_contact(world.dealer_a, Contact.objects.get(pk=contact.pk), {"phone": "138"}, 1)
    assert [(r.history_type, r.history_user_id, r.phone) for r in contact.history.all()] == [
        ("~", world.dealer_a.pk, "138"), ("+", system_user().pk, "")]
