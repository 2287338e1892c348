"""Customer and site pages: Chinese by default, English on request, scoped, versioned edits."""


from shouhou.core.hooks import Section, register_history
from shouhou.customers.models import Customer, Site


def test_customer_list_renders_in_chinese_by_default(browse):
    page = browse("desk").get("/customers/").content.decode()
    assert "客户编号" in page and "华东大厦" in page and "重点客户" in page


def test_english_after_the_language_switch(browse):
    client = browse("desk")
    client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    page = client.get("/customers/").content.decode()
    assert "Customer no." in page and "客户编号" not in page


def test_dealer_list_and_search_never_show_other_dealers_customers(browse, world):
    client = browse("dealer_a")
    assert "西岭医院" not in client.get("/customers/").content.decode()
    assert "西岭医院" not in client.get("/customers/", {"q": "西岭"}).content.decode()
    assert client.get(f"/customers/{world.cust_b.pk}/").status_code == 404
    assert client.get(f"/customers/sites/{world.site_b.pk}/").status_code == 404
    assert client.get(f"/customers/{world.cust_b.pk}/edit/").status_code == 404


def test_customer_page_shows_sites_contracts_assets_and_registered_history(browse, world):
    def provider(user, obj):
        return Section(title="维修记录", template="customers/sections.html", context={"sections": []})

    register_history("customers.customer", provider)
    page = browse("customer_a").get(f"/customers/{world.cust_a.pk}/").content.decode()
    assert all(text in page for text in ("华东大厦一期", "HT-2026-001", "FD-A-0001", "维修记录"))


def test_customer_user_sees_no_edit_buttons_and_cannot_post(browse, world):
    client = browse("customer_a")
    assert "/edit/" not in client.get(f"/customers/{world.cust_a.pk}/").content.decode()
    assert client.post(f"/customers/{world.cust_a.pk}/edit/", {"name": "x"}).status_code == 403


def test_stale_edit_form_shows_a_conflict_message(browse, world):
    client = browse("desk")
    form = {"code": "C001", "name": "华东大厦（新）", "dealer": world.dealer_org_a.pk, "version": 1}
    assert client.post(f"/customers/{world.cust_a.pk}/edit/", form).status_code == 302
    response = client.post(f"/customers/{world.cust_a.pk}/edit/", {**form, "name": "另一个名字"})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert Customer.objects.get(pk=world.cust_a.pk).name == "华东大厦（新）"


def test_dealer_creates_customer_and_site_through_the_forms(browse, world):
    client = browse("dealer_a")
    assert client.post("/customers/new/", {"code": "C777", "name": "新农场"}).status_code == 302
    customer = Customer.objects.get(code="C777")
    assert customer.dealer == world.dealer_org_a
    response = client.post(f"/customers/{customer.pk}/sites/new/", {"name": "一号仓", "time_zone": "Asia/Shanghai"})
    assert response.status_code == 302 and Site.objects.get(name="一号仓").customer == customer


def test_form_errors_name_the_field_in_chinese(browse, world):
    response = browse("desk").post(f"/customers/{world.cust_a.pk}/sites/new/", {"name": "x", "time_zone": "Mars/X"})
    assert "时区：" in response.content.decode()


def test_customer_list_page_query_count_is_constant(browse, world, django_assert_max_num_queries):
    Customer.objects.bulk_create(Customer(code=f"P{i}", name=f"客户{i}", dealer=world.dealer_org_a) for i in range(40))
    client = browse("dealer_a")
    with django_assert_max_num_queries(8):
        assert client.get("/customers/").status_code == 200


def test_contacts_are_added_and_edited_under_their_customer(browse, world):
    """The generic create/edit page (core.views.ServiceFormView) with a parent record: the contact
    belongs to the customer of the URL and both pages lead back to that customer."""
    from shouhou.customers.models import Contact

    client = browse("desk")
    page = client.get(f"/customers/{world.cust_a.pk}/contacts/new/").content.decode()
    assert "华东大厦" in page and f'href="{world.cust_a.get_absolute_url()}"' in page
    response = client.post(f"/customers/{world.cust_a.pk}/contacts/new/", {"name": "王经理", "phone": "13800000000"})
    assert response.status_code == 302 and response["Location"] == world.cust_a.get_absolute_url()
    contact = Contact.objects.get(name="王经理")
    assert contact.customer == world.cust_a
    response = client.post(f"/customers/contacts/{contact.pk}/edit/", {"name": "王总", "version": contact.version})
    assert response.status_code == 302 and Contact.objects.get(pk=contact.pk).name == "王总"
    assert browse("dealer_b").get(f"/customers/contacts/{contact.pk}/edit/").status_code == 404
    assert browse("dealer_b").get(f"/customers/{world.cust_a.pk}/contacts/new/").status_code == 404
