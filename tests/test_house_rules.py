"""House rules as executable checks (style.md rule 21; architecture.md "Rules of the house")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PKG = Path(__file__).resolve().parent.parent / "shouhou"

# Domains in the order data flows through them (architecture.md); a lower app never imports a higher one.
LAYERS = ["core", "accounts", "notify", "approvals", "customers", "assets", "contracts", "tickets", "sla", "dispatch",
          "charging", "retention", "ops"]
# ops (serve, demo data, import/export, benchmarks) is the top floor: it may import every app,
# and nothing imports it.  The project's URL/settings modules sit outside the layers.
TOP_LEVEL = ("ops/",)


def python_files():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if "/migrations/" not in rel:
            yield path, rel


def imported_apps(tree: ast.AST) -> set[str]:
    apps = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "shouhou" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def test_lower_apps_never_import_higher_ones():
    offences = []
    for path, rel in python_files():
        app = rel.split("/")[0]
        if app not in LAYERS or rel.startswith(TOP_LEVEL):
            continue
        for other in imported_apps(ast.parse(path.read_text(encoding="utf-8"))):
            if other in LAYERS and LAYERS.index(other) > LAYERS.index(app):
                offences.append(f"{rel} imports shouhou.{other}")
    assert offences == []


def test_ticket_status_is_written_only_by_ticket_services():
    """Style rule 4: views, API and CLI call services; they never set status fields themselves."""
    pattern = re.compile(r"\bticket\.status\s*=[^=]|\.update\([^)]*\bstatus\s*=")
    # notify/services.py writes the *outbox's* own status (pending → sending → sent), which the
    # second pattern cannot tell apart from a ticket's.  tickets/services.py is not exempt: its one
    # writer (transition_ticket, below) sets the status through its declared changes.
    allowed = {"notify/services.py"}
    offences = [
        rel for path, rel in python_files()
        if rel not in allowed and not rel.startswith(TOP_LEVEL) and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def status_writes(source: str) -> list[str]:
    """Functions of a module that write a `status`: assign `x.status`, set `x["status"]`, or save
    with "status" in update_fields."""
    found = []
    for func in ast.parse(source).body:
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AugAssign | ast.AnnAssign) else []
            for target in targets:
                for leaf in ast.walk(target):
                    if (isinstance(leaf, ast.Attribute) and leaf.attr == "status") or (
                            isinstance(leaf, ast.Subscript) and isinstance(leaf.slice, ast.Constant)
                            and leaf.slice.value == "status"):
                        found.append(func.name)
            if isinstance(node, ast.Call) and any(
                    kw.arg == "update_fields" and any(isinstance(c, ast.Constant) and c.value == "status"
                                                      for c in ast.walk(kw.value)) for kw in node.keywords):
                found.append(func.name)
    return sorted(set(found))


def test_transition_ticket_is_the_one_writer_of_ticket_status():
    """Issue 7: every status change (escalation reassignment included) is a declared move through
    tickets.services.transition_ticket, which checks the table and sends the transition signal."""
    assert status_writes((PKG / "tickets/services.py").read_text(encoding="utf-8")) == ["transition_ticket"]
    # the check can fail: a second writer is found
    assert status_writes("def sneak(t):\n    t.status = 'closed'\n    t.save(update_fields=['status'])\n") == ["sneak"]


def test_python_modules_stay_small():
    """A file that grows past ~500 lines becomes a package (architecture.md)."""
    big = [rel for path, rel in python_files() if len(path.read_text(encoding="utf-8").splitlines()) > 600]
    assert big == []


CATALOGUES = sorted(PKG.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.relative_to(PKG).as_posix())
def test_every_chinese_message_is_translated(po_path):
    """Simplified Chinese is the default UI language: no empty or fuzzy entries."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))]
    assert missing == []


def test_there_are_catalogues_for_the_apps():
    apps_with_catalogues = {p.relative_to(PKG).parts[0] for p in CATALOGUES}
    assert {"core", "tickets", "dispatch", "customers", "assets", "contracts"} <= apps_with_catalogues


def test_a_message_means_the_same_in_every_catalogue():
    """Django merges the apps' catalogues and the first app wins; two translations of one
    English message would make a label depend on which app's page shows it."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po_path in CATALOGUES:
        with po_path.open("rb") as fh:
            for message in read_po(fh):
                if not message.id or message.context or isinstance(message.id, tuple):
                    continue
                app = po_path.relative_to(PKG).parts[0]
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id][0]}={seen[message.id][1]!r} vs {app}={message.string!r}")
                seen.setdefault(message.id, (app, message.string))
    assert clashes == []


def test_every_test_directory_is_a_package():
    """tests/<app>/ has an __init__.py, so two apps may each have a test_services.py."""
    tests = Path(__file__).resolve().parent
    bare = [d.name for d in sorted(tests.iterdir()) if d.is_dir() and any(d.glob("test_*.py"))
            and not (d / "__init__.py").exists()]
    assert bare == []


# The domain apps.  accounts is cross-cutting (users, roles, the permission table) but still a
# domain app: core asks the permission registry through the `rules` package (core.rights), which
# accounts fills at start-up, so the ground floor needs none of them.
DOMAIN_APPS = {"accounts", "notify", "approvals", "customers", "assets", "contracts", "tickets", "sla", "dispatch",
               "charging", "retention"}


def test_core_is_the_ground_floor_and_imports_no_domain_app():
    """Issue 7: `core` holds only the foundation; demo data, benchmarks, serve and import/export
    live on the top floor (ops), which may import everything."""
    offences = []
    for path, rel in python_files():
        if rel.startswith("core/"):
            for other in imported_apps(ast.parse(path.read_text(encoding="utf-8"))) & (DOMAIN_APPS | {"ops"}):
                offences.append(f"{rel} imports shouhou.{other}")
    assert offences == []


def test_nothing_imports_the_top_floor():
    offences = [
        rel for path, rel in python_files()
        if not rel.startswith("ops/") and "ops" in imported_apps(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offences == []


# The shared framework every app stands on (issue 7): defined once, in core, never in a domain app.
SHARED_FRAMEWORK = {
    "VersionedForm", "VersionedModelForm", "ServiceFormView", "run_service", "filtered_page", "history_sections",
    "ReferenceViewSet", "ReferenceWritePermission", "ReasonSerializerMixin", "ScopedRelatedField",
    "ScopedPrimaryKeyRelatedField", "ReadOnlyAdmin", "VersionBumpAdmin", "SearchFilterSet", "scoped",
    "require", "may", "pick", "require_visible", "require_reason", "parse_version", "_parse_version",
    "duration", "_span", "versioned_schema", "IF_MATCH", "IDEMPOTENCY_KEY",
}
# Definitions that share a name but are not the framework: a template filter that delegates to
# core.formats.duration, and the tickets API's own header texts (they describe tickets).
NOT_FRAMEWORK = {("sla/templatetags/sla_tags.py", "duration"), ("tickets/api.py", "IF_MATCH"),
                 ("tickets/api.py", "IDEMPOTENCY_KEY"), ("accounts/templatetags/permissions.py", "may")}


def defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def test_the_shared_framework_is_defined_only_in_core():
    """No domain app holds a base class or helper that other apps build on, nor a copy of one."""
    offences = []
    for path, rel in python_files():
        if rel.split("/")[0] in DOMAIN_APPS:
            for name in sorted(defined_names(ast.parse(path.read_text(encoding="utf-8"))) & SHARED_FRAMEWORK):
                if (rel, name) not in NOT_FRAMEWORK:
                    offences.append(f"{rel} defines {name}")
    assert offences == []


# A lower app's own rule that higher records follow, not framework: customer-owned records are
# scoped by their customer (customers.scoping).
DOMAIN_BASES = {"ScopedQuerySet"}


def test_no_app_builds_on_a_class_of_another_domain_app():
    """A class in one domain app never subclasses a class imported from another domain app."""
    offences = []
    for path, rel in python_files():
        app = rel.split("/")[0]
        if app not in DOMAIN_APPS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
            and node.module.split(".")[:1] == ["shouhou"] and len(node.module.split(".")) > 1
            and node.module.split(".")[1] in DOMAIN_APPS - {app}
            and node.module.split(".")[-1] not in ("models", "choices")  # models are data, not framework
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    if isinstance(base, ast.Name) and base.id in foreign and base.id not in DOMAIN_BASES:
                        offences.append(f"{rel}: {node.name}({base.id})")

# A right is asked of the permission layer (accounts.permissions.may / require / visible_to), never
# read off a user's role (issue 6, "Permissions declared once").  Matching an approval step's
# approver roles is data, not a right: those lines are named here with the reason.
ROLE_CHECK = re.compile(
    r"\.is_(?:internal|desk|engineer|dealer|customer_user)\b"
    r"|[\"']is_(?:internal|desk|engineer|dealer|customer_user)[\"']"
    r"|\.role\s*(?:==|!=|\bin\b|\bnot\s+in\b)"
    r"|\.is_superuser\b"
)
ROLE_CHECK_ALLOWED = {
    ("approvals/models.py", "return user.role in self.role_list"),  # a step's approvers by role (data)
}
ROLE_CHECK_EXEMPT = ("accounts/", "ops/demo/")  # the layer itself; demo data creates users by role


def test_no_role_checks_outside_accounts():
    offences = []
    for path in sorted(PKG.rglob("*")):
        rel = path.relative_to(PKG).as_posix()
        if path.suffix not in (".py", ".html") or "/migrations/" in rel or rel.startswith(ROLE_CHECK_EXEMPT):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_CHECK.search(line) and (rel, line.strip()) not in ROLE_CHECK_ALLOWED:
                offences.append(f"{rel}:{number}: {line.strip()}")
    assert offences == []


# Commitment IDs (P5.2, P13.9 …) name the plans' clauses for us: they belong in code, comments,
# tests and docs, never in text people see (the house conventions).  Every translatable string is
# text people see.
COMMITMENT_ID = re.compile(r"\bP\d+\.\d+")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy", "ngettext",
                 "ngettext_lazy", "npgettext", "npgettext_lazy", "format_lazy"}
TEMPLATE_MESSAGES = re.compile(
    r"{%\s*(?:translate|trans)\s+(\"[^\"]*\"|'[^']*')"
    r"|{%\s*blocktrans(?:late)?\b.*?%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)


def _called_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def translatable_strings_in_python():
    for path, rel in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called_name(node) in GETTEXT_NAMES:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield f"{rel}:{node.lineno}", arg.value


def translatable_strings_in_templates():
    for path in sorted(PKG.rglob("templates/**/*")):
        if path.suffix in (".html", ".txt"):
            for match in TEMPLATE_MESSAGES.finditer(path.read_text(encoding="utf-8")):
                yield path.relative_to(PKG).as_posix(), match.group(1) or match.group(2)


def strings_in_catalogues():
    for po_path in CATALOGUES:
        with po_path.open("rb") as fh:
            for message in read_po(fh):
                for text in (message.id, message.string):
                    for part in text if isinstance(text, tuple) else (text,):
                        if part:
                            yield po_path.relative_to(PKG).as_posix(), part


def test_no_commitment_id_in_text_people_see():
    """Translatable strings (gettext, {% translate %}, {% blocktranslate %}) and the catalogues'
    msgid/msgstr never carry a commitment ID such as P5.1; cite it in a comment beside them."""
    found = [f"{where}: {text!r}" for source in (translatable_strings_in_python(), translatable_strings_in_templates(),
                                               strings_in_catalogues())
             for where, text in source if COMMITMENT_ID.search(text)]
    assert found == []


# A commitment ID also reaches people as data: the `commitment` column of plan targets, escalation
# rules and loaner tasks holds one (for the API and the plan editor), and the seeded plans' names and
# descriptions are shown on plan, contract and ticket pages.
RENDERS_COMMITMENT = re.compile(r"{{[^}]*\.commitment\b")
# "P13" alone names a seed plan — as leaky as "P13.2".
PLAN_CODE = re.compile(r"\bP\d+(?:\.\d+)?\b")


def test_no_template_renders_a_commitment_field():
    found = [f"{path.relative_to(PKG)}: {match.group(0)}" for path in sorted(PKG.rglob("templates/**/*.html"))
             for match in RENDERS_COMMITMENT.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
    assert RENDERS_COMMITMENT.search('<td>{{ clock.target.commitment }}</td>')  # the check can fail


def test_no_plan_code_in_translatable_text_or_seeded_plan_wording():
    from shouhou.sla.plan_templates import TEMPLATES

    def wording(spec):
        yield spec["name"]
        yield spec.get("description", "")
        for key in ("targets", "escalations", "rules"):
            for item in spec.get(key, ()):
                yield item.get("name", "")

    found = [f"{where}: {text!r}" for source in (translatable_strings_in_python(), translatable_strings_in_templates(),
                                               strings_in_catalogues())
             for where, text in source if PLAN_CODE.search(text)]
    found += [f"plan template {spec['source']}: {text!r}" for spec in TEMPLATES for text in wording(spec)
              if PLAN_CODE.search(text)]
    assert found == []
    assert PLAN_CODE.search("例如样本方案 P13。") and not PLAN_CODE.search("SR00000123 第 2 级")


def test_the_commitment_id_check_catches_each_kind_of_source(tmp_path):
    """The check above can fail: a P-code in each kind of source is found."""
    assert COMMITMENT_ID.search("Fault levels (P5.1).") and not COMMITMENT_ID.search("故障等级：一级")
    template = '{% translate "Kept 5 years (P13.9)." %} {% blocktranslate with n=1 %}Level {{ n }} (P5.1){% endblocktranslate %}'
    assert [m.group(1) or m.group(2) for m in TEMPLATE_MESSAGES.finditer(template)] == [
        '"Kept 5 years (P13.9)."', "Level {{ n }} (P5.1)"]
    call = ast.parse('help_text=_("Phone support (P5.8).")').body[0].value
    assert isinstance(call, ast.Call) and _called_name(call) == "_"


# Chinese sentences take full-width punctuation (：，；（）), the house style for zh_Hans text.  An
# ASCII : , ; ( ) touching a Chinese character (or a full-width mark or quote) is a half-width slip;
# formats (%(name)s, {name}) are neither, and times or lists people type (09:00-12:00,13:00-18:00)
# stay ASCII because no Chinese character touches them.
CJK = "[\u2018-\u201f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
HALF_WIDTH_IN_CHINESE = re.compile(rf"(?<={CJK})[:,;()]|[:,;()](?={CJK})|（[^）()]*\)")
MESSAGE_FORMAT = re.compile(r"%\([a-z_0-9]+\)[sdfr]|\{\{[^}]*\}\}|\{[^}]*\}|%[sd]")


def half_width_slips(text: str) -> bool:
    return bool(HALF_WIDTH_IN_CHINESE.search(MESSAGE_FORMAT.sub("\x00", text)))


def test_chinese_messages_use_full_width_punctuation():
    found = []
    for po_path in CATALOGUES:
        if po_path.parent.parent.name != "zh_Hans":
            continue
        with po_path.open("rb") as fh:
            for message in read_po(fh):
                for part in message.string if isinstance(message.string, tuple) else (message.string,):
                    if part and half_width_slips(part):
                        found.append(f"{po_path.relative_to(PKG)}: {part!r}")
    assert found == []


@pytest.mark.parametrize(("text", "slip"), [
    ("未知状态:%(s)s", True), ("可选,例如", True), ("导入（CSV)", True), ("工单“%(t)s”:%(c)s", True),
    ("未知状态：%(s)s", False), ("例如 09:00-12:00,13:00-18:00。", False), ("共 %(n)s 条", False),
])
def test_the_punctuation_check_can_fail(text, slip):
    assert half_width_slips(text) is slip
