"""The `shouhou` CLI: command mapping, serve's first-run logic, bench plumbing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from shouhou import cli
from shouhou.accounts.models import User
from shouhou.core import bench as bench_registry
from shouhou.ops.bench.http import latency_summary, pct
from shouhou.ops.demo import DEMO_PASSWORD, DEMO_USERS
from shouhou.ops.management.commands import serve
from shouhou.tickets.models import Ticket


@pytest.fixture
def argv_seen(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.append(argv))
    return seen


@pytest.mark.parametrize(("typed", "command"), [
    (["import", "customers", "k.xlsx"], "import_data"),
    (["export", "tickets", "t.csv"], "export_data"),
    (["serve", "--prod"], "serve"),
    (["demo", "--tickets", "5"], "demo"),
    (["bench", "intake"], "bench"),
])
def test_cli_maps_import_and_export_and_passes_other_commands_through(argv_seen, typed, command):
    cli.main(["/usr/bin/shouhou", *typed])
    assert argv_seen == [["shouhou", command, *typed[1:]]]


@pytest.fixture
def no_side_effects(monkeypatch):
    """prepare() without touching the repository: migrate and compile are recorded, not run."""
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append(a[0]))
    monkeypatch.setattr("shouhou.core.po.compile_all", lambda: calls.append("compile") or 0)
    monkeypatch.setattr(serve, "FIRST_RUN_TICKETS", 6)
    return calls


@pytest.mark.django_db
def test_serve_first_run_migrates_loads_demo_and_compiles_translations(no_side_effects):
    # given a database with no user, when serve prepares
    state = serve.prepare(demo=True, demo_tickets=6, say=lambda _m: None)
    # then it migrated, loaded the demo (logins + tickets) and compiled the catalogues
    assert no_side_effects == ["migrate", "compile"]
    assert state["first_run"] and state["demo_loaded"] and state["demo_tickets"] == 6
    assert Ticket.objects.count() == 6
    lines = serve.demo_login_lines()
    assert DEMO_PASSWORD in lines[0]
    for spec in DEMO_USERS:
        assert any(line.split()[0] == spec.username and spec.zh in line and spec.en in line for line in lines[1:])


@pytest.mark.django_db
def test_serve_second_run_loads_nothing(no_side_effects):
    serve.prepare(demo=True, demo_tickets=6, say=lambda _m: None)
    state = serve.prepare(demo=True, demo_tickets=6, say=lambda _m: None)
    assert not state["first_run"] and not state["demo_loaded"]
    assert Ticket.objects.count() == 6


@pytest.mark.django_db
def test_serve_no_demo_leaves_the_database_empty(no_side_effects):
    state = serve.prepare(demo=False, say=lambda _m: None)
    assert state["first_run"] and not state["demo_loaded"]
    # nobody but the system actor, which the migrations create (issue 6)
    assert list(User.objects.values_list("username", flat=True)) == ["system"]
    assert serve.demo_login_lines() == []


def test_production_server_is_gunicorn_on_the_wsgi_app_with_capped_workers():
    assert serve.default_workers(1) == 3
    assert serve.default_workers(64) == 9
    argv = serve.gunicorn_command("127.0.0.1", 8123, 5)
    assert argv[1:4] == ["-m", "gunicorn", "shouhou.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "5"


def test_bench_offers_intake_and_list_and_room_for_more(monkeypatch):
    monkeypatch.setattr(bench_registry, "BENCHMARKS", dict(bench_registry.BENCHMARKS))
    assert {"intake", "list"} <= set(bench_registry.BENCHMARKS)
    bench_registry.register_bench("fake", "tests.core.fake_bench")
    assert bench_registry.BENCHMARKS["fake"] == "tests.core.fake_bench"


def test_bench_prints_one_json_object_on_its_last_line(monkeypatch):
    import sys
    import types

    module = types.ModuleType("fake_bench_module")
    module.add_arguments = lambda parser: parser.add_argument("--n", type=int, default=1)
    module.run = lambda options, say: (say("warming up"), {"bench": "fake", "n": options["n"]})[1]
    monkeypatch.setitem(sys.modules, "fake_bench_module", module)
    monkeypatch.setattr(bench_registry, "BENCHMARKS", {"fake": "fake_bench_module"})
    out = StringIO()
    call_command("bench", "fake", "--n", "3", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"bench": "fake", "n": 3}


def test_percentiles_match_the_peer_harness_definition():
    values = [0.010, 0.020, 0.030, 0.040, 0.050]
    assert pct(values, 50) == 0.030
    assert pct(values, 95) == pytest.approx(0.048)
    assert latency_summary(values) == {"p50_ms": 30.0, "p95_ms": 48.0, "p99_ms": 49.6}
    assert pct([], 50) is None
