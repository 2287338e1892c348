"""The demo world's reference data: our company, 3 dealers, ~20 customers, sites, products,
assets, contracts and one login per role.

Every record is found by its natural key (organisation name, customer code, serial no., contract
number, username) before it is created, so loading twice never duplicates anything.  Customers,
sites, product models, assets and contracts are created through their apps' services as the CLI
system actor (accounts.permissions.system_user), so their rules (warranty derivation P8.3/P13.1, tenancy) hold for demo
data exactly as for real data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from shouhou.accounts.choices import OrganisationKind, Role
from shouhou.accounts.models import Organisation, Team, User
from shouhou.accounts.permissions import SYSTEM_USERNAME, system_user
from shouhou.assets import services as asset_services
from shouhou.assets.models import Asset, ProductModel
from shouhou.contracts import services as contract_services
from shouhou.contracts.choices import ServiceLevel, WarrantyStartRule
from shouhou.contracts.models import Contract
from shouhou.core.models import DemoMarker
from shouhou.customers import services as customer_services
from shouhou.customers.models import Customer, ServiceZone
from shouhou.dispatch.roster.models import DutyPattern
from shouhou.dispatch.roster.services import save_pattern
from shouhou.sla.models import ServicePlan
from shouhou.sla.services import create_plan_from_template, seed_plan_templates

# One fixed, documented password for every demo login (printed by `shouhou demo` / `serve`).
DEMO_PASSWORD = "shouhou-demo"  # noqa: S105 - public demo password, printed on purpose

OWN_COMPANY = "安保消防设备有限公司"
DEALERS = ["华东经销服务中心", "西南经销服务中心", "华北经销服务中心"]

ZONES = [("city", "市内"), ("province", "省内外地"), ("out_of_province", "外省")]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    zh: str
    en: str
    first_name: str
    org: str  # "own", "dealer", "customer"


# One login per role (requirements.md "Who uses it"); dealer and customer users belong to the
# first dealer and to that dealer's first customer, so their scoping is visible at once.
DEMO_USERS = [
    DemoUser("admin", Role.ADMIN, "系统管理员", "Administrator", "管理员", "own"),
    DemoUser("desk", Role.SERVICE_DESK, "客服", "Service desk", "陈客服", "own"),
    DemoUser("dispatcher", Role.DISPATCHER, "调度 / 售后经理", "Dispatcher / service manager", "周调度", "own"),
    DemoUser("engineer", Role.ENGINEER, "服务工程师", "Field engineer", "李工", "own"),
    DemoUser("engineer2", Role.ENGINEER, "服务工程师", "Field engineer", "王工", "own"),
    DemoUser("technical", Role.TECHNICAL, "技术部", "Technical department", "赵技术", "own"),
    DemoUser("complaints", Role.COMPLAINT_DESK, "投诉受理", "Complaint desk", "孙投诉", "own"),
    DemoUser("finance", Role.FINANCE, "财务部", "Finance", "钱财务", "own"),
    DemoUser("leader", Role.LEADERSHIP, "公司领导", "Leadership", "吴总", "own"),
    DemoUser("branch", Role.BRANCH_MANAGER, "分支机构经理", "Branch manager", "郑经理", "own"),
    DemoUser("dealer", Role.DEALER_STAFF, "经销商", "Dealer staff", "华东经销-刘", "dealer"),
    DemoUser("customer", Role.CUSTOMER_USER, "客户", "Customer user", "华东大厦-何", "customer"),
]

# (code, name, category, default warranty months, demo text category)
PRODUCTS = [
    ("FM-GF1021", "钢质防火门 甲级 GFM-1021", "防火门", 24, "fire_door"),
    ("FM-MF1221", "木质防火门 乙级 MFM-1221", "防火门", 24, "fire_door"),
    ("BM-GS-60", "闭门器 GS-60", "闭门器", 24, "fire_door"),
    ("BA-DDC-800", "楼宇自控控制器 DDC-800", "楼宇自控", 12, "bms"),
    ("BA-GW-10", "楼控系统网关 GW-10", "楼宇自控", 12, "bms"),
    ("LED-FL-200", "LED 投光灯 200W", "照明", 36, "lighting"),
    ("LED-WW-36", "LED 洗墙灯 36W", "照明", 36, "lighting"),
    ("IT-SRV-R740", "机架式服务器 R740", "服务器", 36, "it"),
    ("IT-SW-S5700", "核心交换机 S5700", "交换机", 36, "it"),
    ("IT-UPS-20K", "UPS 电源 20kVA", "UPS", 24, "it"),
    ("AG-TR-904", "轮式拖拉机 904", "拖拉机", 24, "agri"),
]
CATEGORY_OF = {code: cat for code, _n, _c, _m, cat in PRODUCTS}

# (name, kind of place, dealer index, key customer, product codes installed there)
CUSTOMERS = [
    ("华东大厦", "写字楼", 0, True, ["FM-GF1021", "BM-GS-60", "BA-DDC-800", "LED-FL-200"]),
    ("浦江国际中心", "写字楼", 0, False, ["FM-GF1021", "BA-DDC-800", "BA-GW-10"]),
    ("市第一人民医院", "医院", 0, True, ["FM-MF1221", "BM-GS-60", "IT-SRV-R740", "IT-UPS-20K"]),
    ("滨江实验学校", "学校", 0, False, ["FM-GF1021", "LED-FL-200", "IT-SW-S5700"]),
    ("金桥精密制造厂", "工厂", 0, False, ["FM-GF1021", "LED-FL-200", "IT-SW-S5700"]),
    ("长江物流园", "物流园", 0, False, ["LED-FL-200", "LED-WW-36", "FM-GF1021"]),
    ("锦城中心医院", "医院", 1, True, ["FM-MF1221", "IT-SRV-R740", "IT-SW-S5700", "IT-UPS-20K"]),
    ("天府软件园", "写字楼", 1, False, ["BA-DDC-800", "IT-SW-S5700", "IT-SRV-R740"]),
    ("蜀南职业技术学院", "学校", 1, False, ["FM-GF1021", "LED-WW-36"]),
    ("西岭汽车零部件厂", "工厂", 1, False, ["FM-GF1021", "LED-FL-200", "BM-GS-60"]),
    ("川西农机合作社", "农场", 1, False, ["AG-TR-904"]),
    ("锦江宾馆", "酒店", 1, False, ["FM-MF1221", "LED-WW-36", "BA-DDC-800"]),
    ("京北科技大厦", "写字楼", 2, True, ["BA-DDC-800", "BA-GW-10", "FM-GF1021"]),
    ("北郊第三医院", "医院", 2, False, ["FM-MF1221", "IT-UPS-20K"]),
    ("燕山第二中学", "学校", 2, False, ["FM-GF1021", "LED-FL-200"]),
    ("华北重型机械厂", "工厂", 2, False, ["FM-GF1021", "LED-FL-200", "IT-SW-S5700"]),
    ("冀中农业示范区", "农场", 2, False, ["AG-TR-904"]),
    ("环球数据中心", "数据中心", None, True, ["IT-SRV-R740", "IT-SW-S5700", "IT-UPS-20K"]),
    ("市政务服务中心", "政府机关", None, True, ["IT-SRV-R740", "FM-GF1021", "BA-DDC-800"]),
    ("滨海体育馆", "体育场馆", None, False, ["LED-FL-200", "LED-WW-36", "FM-GF1021"]),
]
CITIES = ["上海", "成都", "北京", "苏州", "杭州", "绵阳", "天津", "保定"]
SITE_NAMES = {
    "写字楼": ["主楼", "裙楼"], "医院": ["门诊楼", "住院部"], "学校": ["教学楼", "图书馆"],
    "工厂": ["一号厂房", "仓储中心"], "物流园": ["分拣中心"], "农场": ["农机站"], "酒店": ["主楼"],
    "数据中心": ["A 机房", "B 机房"], "政府机关": ["办事大厅"], "体育场馆": ["主场馆"],
}


@dataclass
class World:
    """The demo world, as the ticket generators need it."""

    users: dict[str, User]
    dealers: list[Organisation]
    customers: list[Customer]
    assets: list[Asset]
    customer_user_customer: Customer


def _org(name: str, kind: str) -> Organisation:
    org = Organisation.objects.filter(name=name, kind=kind).first()
    return org or Organisation.objects.create(name=name, kind=kind, phone="400-820-1190")


def _user(spec: DemoUser, organisation: Organisation) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user
    user = User(username=spec.username, role=spec.role, organisation=organisation, first_name=spec.first_name,
                email=f"{spec.username}@demo.shouhou.local", is_staff=spec.role == Role.ADMIN,
                is_superuser=spec.role == Role.ADMIN)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _products() -> dict[str, ProductModel]:
    out = {}
    for code, name, category, months, _cat in PRODUCTS:
        out[code] = ProductModel.objects.filter(code=code).first() or asset_services.create_product_model(
            system_user(), {"code": code, "name": name, "category": category, "default_warranty_months": months})
    return out


def _customer(index: int, spec, dealers, zones, rnd: random.Random) -> Customer:
    name, kind, dealer_index, key, _products = spec
    code = f"KH{index + 1:04d}"
    customer = Customer.objects.filter(code=code).first()
    if customer is None:
        city = CITIES[(dealer_index if dealer_index is not None else index) % len(CITIES)]
        portal = _org(f"{name}（客户门户）", OrganisationKind.CUSTOMER) if index == 0 else None
        customer = customer_services.create_customer(system_user(), {
            "code": code, "name": name, "is_key_customer": key,
            "dealer": dealers[dealer_index] if dealer_index is not None else None,
            "organisation": portal, "phone": f"0{rnd.randrange(10, 99)}-{rnd.randrange(10**7, 10**8)}",
            "address": f"{city}市{rnd.choice(['中山路', '人民路', '解放路', '建设路', '科技路'])}{rnd.randrange(1, 999)}号",
            "notes": f"{kind}客户",
        })
    if not customer.sites.exists():
        for n, site_name in enumerate(SITE_NAMES.get(kind, ["主楼"])):
            customer_services.create_site(system_user(), {
                "customer": customer, "name": f"{name}{site_name}", "address": f"{customer.address}{site_name}",
                "zone": zones[(index + n) % len(zones)],
            })
    return customer


def _assets(customer: Customer, index: int, products, rnd: random.Random) -> list[Asset]:
    existing = list(customer.assets.all())
    if existing:
        return existing
    codes = CUSTOMERS[index][4]
    sites = list(customer.sites.all())
    out = []
    for n in range(rnd.randint(4, 7)):
        code = codes[n % len(codes)]
        accepted = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(0, 540))
        out.append(asset_services.create_asset(system_user(), {
            "serial_no": f"{code}-{index + 1:02d}{n + 1:03d}",
            "certificate_no": f"ZS{accepted:%Y%m}{index + 1:02d}{n + 1:03d}",  # P2.7 certificate
            "product_model": products[code], "site": sites[n % len(sites)],
            "location": rnd.choice(["一层", "二层", "地下室", "屋顶", "机房", "东侧", "西侧"]),
            "install_date": accepted - dt.timedelta(days=rnd.randrange(3, 30)), "acceptance_date": accepted,
        }))
    return out


def _contract(customer: Customer, index: int, rnd: random.Random) -> None:
    number = f"HT-2024-{index + 1:03d}"
    if Contract.objects.filter(number=number).exists() or index % 5 == 4:  # some customers have none
        return
    level = [ServiceLevel.A, ServiceLevel.B, ServiceLevel.C][index % 3]
    rule = WarrantyStartRule.DAY_AFTER_ACCEPTANCE if index % 2 else WarrantyStartRule.ACCEPTANCE
    contract_services.create_contract(system_user(), {
        "number": number, "title": f"{customer.name}售后服务合同", "customer": customer, "service_level": level,
        "warranty_months": rnd.choice([24, 36]), "warranty_start_rule": rule,
        "warranty_terms": "保修期内免费维修（人为损坏除外）；保修期外配件按公司统一价格收取，工时费按成本收取。",
        "start_date": dt.date(2024, 1, 1), "end_date": dt.date(2027, 12, 31),
        "sites": list(customer.sites.all()),
    })


# Which seed plan each service level's demo contracts follow (issue 3 templates).
PLAN_FOR_LEVEL = {ServiceLevel.A: "P13", ServiceLevel.B: "P5", ServiceLevel.C: "P8"}


def _service_plans(manager: User) -> None:
    """Give every new demo contract (no plan, no tickets yet) the seed template of its level, so
    clocks run; each plan carries its template's clauses (P13: the desk's Accept counts as the
    response, `accept_is_contact` on; P5 and P8: off, the call back is recorded as a milestone).  Contracts that already carry tickets (a benchmark database) are left alone:
    attaching a plan recomputes every open ticket's clocks."""
    seed_plan_templates()
    templates = {t.source: t for t in ServicePlan.objects.filter(is_template=True)}
    for contract in Contract.objects.filter(service_plan__isnull=True, tickets__isnull=True).distinct():
        template = templates.get(PLAN_FOR_LEVEL.get(contract.service_level, "P13"))
        if template is not None:
            create_plan_from_template(manager, template, contract)


@transaction.atomic
def ensure_reference_data(seed: int = 2024) -> World:
    """Create whatever part of the demo world is missing and return all of it (idempotent)."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    # The system actor (accounts.permissions) is created by a migration in every database.
    if not (User.objects.exclude(username=SYSTEM_USERNAME).exists() or Organisation.objects.exists()
            or Customer.objects.exists()):
        DemoMarker.objects.create()  # an empty database becomes a demo database (demo --reset)
    own = _org(OWN_COMPANY, OrganisationKind.OWN)
    dealers = [_org(name, OrganisationKind.DEALER) for name in DEALERS]
    zones = [ServiceZone.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in ZONES]
    products = _products()
    customers, assets = [], []
    for index, spec in enumerate(CUSTOMERS):
        customer = _customer(index, spec, dealers, zones, rnd)
        customers.append(customer)
        assets += _assets(customer, index, products, rnd)
        _contract(customer, index, rnd)
    first = customers[0]
    orgs = {"own": own, "dealer": first.dealer or dealers[0], "customer": first.organisation}
    users = {spec.username: _user(spec, orgs[spec.org]) for spec in DEMO_USERS}
    # A branch: the branch manager follows the jobs of its engineers (the "team" scope, issue 6).
    branch, _created = Team.objects.get_or_create(name="华东服务站", defaults={"organisation": own})
    branch.members.add(users["branch"], users["engineer"])
    _service_plans(users["dispatcher"])
    _duty_roster(users)
    assets = list(Asset.objects.select_related("product_model", "site", "customer").order_by("pk"))
    return World(users=users, dealers=dealers, customers=customers, assets=assets, customer_user_customer=first)


# The demo roster (P2.2, P14.11): day duty every day, night duty every night but Saturday's, so a
# fresh demo shows one coverage gap a week (Sat 20:00 – Sun 08:00) on the roster and the dashboard.
DUTY_PATTERNS = [
    ("白班", "engineer", [0, 1, 2, 3, 4, 5, 6], dt.time(8), dt.time(20)),
    ("夜班", "engineer2", [0, 1, 2, 3, 4, 6], dt.time(20), dt.time(8)),
]


def _duty_roster(users: dict[str, User]) -> None:
    """The weekly duty patterns (once), saved by the service manager; they generate 4 weeks of shifts."""
    if DutyPattern.objects.exists():
        return
    from django.utils import timezone

    start = timezone.localdate() - dt.timedelta(days=7)
    for name, who, weekdays, begin, end in DUTY_PATTERNS:
        save_pattern(users["dispatcher"], None, {"name": name, "engineer": users[who], "weekdays": weekdays,
                                                 "start_time": begin, "end_time": end, "valid_from": start},
                     reason="演示数据")


def login_table() -> list[tuple[str, str, str, str]]:
    """(username, password, role in Chinese, role in English) for every demo login."""
    return [(u.username, DEMO_PASSWORD, u.zh, u.en) for u in DEMO_USERS]
