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
          "retention"]
# The command layer (CLI, demo data, benchmarks) and the project's URL/settings modules sit above every domain.
TOP_LEVEL = ("core/management/", "core/demo/", "core/bench/")


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


def test_the_commitment_id_check_catches_each_kind_of_source(tmp_path):
    """The check above can fail: a P-code in each kind of source is found."""
    assert COMMITMENT_ID.search("Fault levels (P5.1).") and not COMMITMENT_ID.search("故障等级：一级")
    template = '{% translate "Kept 5 years (P13.9)." %} {% blocktranslate with n=1 %}Level {{ n }} (P5.1){% endblocktranslate %}'
    assert [m.group(1) or m.group(2) for m in TEMPLATE_MESSAGES.finditer(template)] == [
        '"Kept 5 years (P13.9)."', "Level {{ n }} (P5.1)"]
    call = ast.parse('help_text=_("Phone support (P5.8).")').body[0].value
    assert isinstance(call, ast.Call) and _called_name(call) == "_"
