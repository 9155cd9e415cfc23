"""Tests of the set-up logic behind ``make run`` and ``make test`` (tools/devenv.py).

These need no network: they build small Odoo-like trees, and start a real
PostgreSQL cluster with the machine's server binaries.
"""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import psycopg2
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("devenv", PROJECT_DIR / "tools" / "devenv.py")
devenv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(devenv)


def make_odoo_tree(root, version="18, 0, 0, FINAL, 0"):
    (root / "odoo").mkdir(parents=True)
    (root / "odoo" / "release.py").write_text(f"version_info = ({version})\n")
    (root / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (root / "requirements.txt").write_text("cbor2==5.4.2 ; python_version < '3.12'\n")
    return root


# -- Python ------------------------------------------------------------------


@pytest.mark.parametrize("version", [(3, 10, 0), (3, 11, 7), (3, 12, 3)])
def test_supported_python_accepted(version):
    devenv.check_python_version(version)


@pytest.mark.parametrize("version", [(3, 9, 18), (3, 13, 0), (2, 7, 18)])
def test_unsupported_python_names_the_fix(version):
    with pytest.raises(devenv.SetupError, match=r"needs Python 3\.10 to 3\.12.*PYTHON="):
        devenv.check_python_version(version)


def test_python_version_of_running_interpreter():
    assert devenv.python_version_of(sys.executable) == tuple(sys.version_info[:3])


def test_python_missing_interpreter_is_clear():
    with pytest.raises(devenv.SetupError, match="Set PYTHON"):
        devenv.python_version_of("/nonexistent/python3")


# -- finding Odoo ------------------------------------------------------------


def test_odoo_src_used_when_valid(tmp_path):
    tree = make_odoo_tree(tmp_path / "odoo18")
    assert devenv.find_odoo({"ODOO_SRC": str(tree)}, tmp_path / "cache") == tree.resolve()


def test_odoo_src_of_other_version_refused(tmp_path):
    tree = make_odoo_tree(tmp_path / "odoo17", version="17, 0, 0, FINAL, 0")
    with pytest.raises(devenv.SetupError, match="holds Odoo 17"):
        devenv.find_odoo({"ODOO_SRC": str(tree)}, tmp_path / "cache")


def test_odoo_src_not_a_tree_refused(tmp_path):
    with pytest.raises(devenv.SetupError, match="is not an Odoo source tree"):
        devenv.find_odoo({"ODOO_SRC": str(tmp_path)}, tmp_path / "cache")


def test_cached_clone_reused_without_network(tmp_path):
    cache = tmp_path / "cache"
    make_odoo_tree(cache / "odoo-18.0")

    def no_network(*args, **kwargs):
        raise AssertionError("must not clone when the cache holds Odoo 18")

    assert devenv.find_odoo({}, cache, runner=no_network) == cache / "odoo-18.0"


def test_no_source_and_no_network_names_the_fix(tmp_path):
    calls = []

    def failing_clone(args, **kwargs):
        calls.append(args)
        return SimpleNamespace(returncode=128)

    with pytest.raises(devenv.SetupError, match="Set ODOO_SRC="):
        devenv.find_odoo({}, tmp_path / "cache", runner=failing_clone)
    assert calls and calls[0][:2] == ["git", "clone"] and "18.0" in calls[0]
    assert not (tmp_path / "cache" / "odoo-18.0").exists()


def test_clone_lands_in_cache(tmp_path):
    def fake_clone(args, **kwargs):
        make_odoo_tree(Path(args[-1]))
        return SimpleNamespace(returncode=0)

    found = devenv.find_odoo({}, tmp_path / "cache", runner=fake_clone)
    assert found == tmp_path / "cache" / "odoo-18.0"
    assert devenv.odoo_major_version(found) == 18


# -- requirements --------------------------------------------------------------


def test_requirements_overrides():
    text = (
        "cbor2==5.4.2 ; python_version < '3.12'\n"
        "cbor2==5.6.2 ; python_version >= '3.12'\n"
        "python-ldap==3.4.0 ; sys_platform != 'win32'  # ldap\n"
        "psycopg2==2.9.5 ; python_version == '3.11'\n"
        "psycopg2>=2.9.2,<2.10\n"
        "# a comment\n"
        "lxml==4.9.3\n"
    )
    lines = devenv.adapt_requirements(text).splitlines()
    assert lines == [
        "cbor2==5.4.6 ; python_version < '3.12'",
        "cbor2==5.6.2 ; python_version >= '3.12'",
        "psycopg2-binary==2.9.5 ; python_version == '3.11'",
        "psycopg2-binary>=2.9.2,<2.10",
        "lxml==4.9.3",
    ]


def test_venv_keyed_by_python_and_requirements(tmp_path):
    first = devenv.venv_dir(tmp_path, (3, 11, 7), ["a==1"])
    assert first == devenv.venv_dir(tmp_path, (3, 11, 2), ["a==1"])
    assert first != devenv.venv_dir(tmp_path, (3, 12, 0), ["a==1"])
    assert first != devenv.venv_dir(tmp_path, (3, 11, 7), ["a==2"])


# -- PostgreSQL -------------------------------------------------------------


def test_pg_bin_from_env(tmp_path):
    for name in ("initdb", "pg_ctl", "postgres"):
        (tmp_path / name).write_text("")
    assert devenv.find_pg_bin({"PG_BIN": str(tmp_path)}, which=lambda name: None) == tmp_path


def test_pg_bin_highest_version_found(tmp_path):
    for version in ("13", "15"):
        for name in ("initdb", "pg_ctl", "postgres"):
            folder = tmp_path / version / "bin"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text("")
    found = devenv.find_pg_bin({}, which=lambda name: None, glob_root=tmp_path)
    assert found == tmp_path / "15" / "bin"


def test_no_pg_binaries_names_the_fix(tmp_path):
    with pytest.raises(devenv.SetupError, match="apt-get install postgresql"):
        devenv.find_pg_bin({}, which=lambda name: None, glob_root=tmp_path)


def test_pg_env_selects_external_server():
    assert devenv.external_server({"PGHOST": "db.local"})
    assert not devenv.external_server({"HOME": "/root"})
    server = devenv.make_server({"PGHOST": "db.local", "PGUSER": "odoo"})
    assert isinstance(server, devenv.ExternalServer)
    assert server.connection()["db_host"] == "db.local"
    assert not server.start() and not server.stop()


def test_root_runs_cluster_as_unprivileged_user():
    entries = {
        "postgres": SimpleNamespace(pw_uid=101, pw_gid=104),
        "nobody": SimpleNamespace(pw_uid=65534, pw_gid=65534),
    }

    def getpwnam(name):
        return entries[name]

    assert devenv.pick_os_user({}, getpwnam) == ("postgres", 101, 104)
    del entries["postgres"]
    assert devenv.pick_os_user({}, getpwnam) == ("nobody", 65534, 65534)
    entries["svc"] = SimpleNamespace(pw_uid=0, pw_gid=0)
    with pytest.raises(devenv.SetupError, match="CRM_PG_OS_USER"):
        devenv.pick_os_user({"CRM_PG_OS_USER": "svc"}, getpwnam)
    entries.clear()
    with pytest.raises(devenv.SetupError, match="refuses to run as root"):
        devenv.pick_os_user({}, getpwnam)


@pytest.fixture
def cluster_base():
    """A folder under the project (reachable by the cluster user, unlike pytest's 0700 tmp)."""
    parent = PROJECT_DIR / ".devenv"
    parent.mkdir(exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="test-cluster-", dir=parent))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def query(cluster, sql):
    conn = psycopg2.connect(
        dbname="postgres", host=str(cluster.socket_dir), port=cluster.port, user=devenv.DB_SUPERUSER
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(sql)
            return cr.fetchone()[0] if cr.description else None
    finally:
        conn.close()


def test_cluster_start_reuse_stop(cluster_base):
    cluster = devenv.Cluster(cluster_base / "pg", devenv.find_pg_bin(os.environ))
    if os.geteuid() == 0:
        assert cluster.os_user and cluster.os_user[1] != 0, "root must hand the cluster to another user"
    assert not cluster.is_running()
    try:
        assert cluster.start() is True
        assert cluster.is_running()
        # Odoo refuses the "postgres" role: the cluster's superuser is "odoo"
        assert query(cluster, "SELECT current_user") == "odoo"
        assert query(cluster, "SHOW listen_addresses") == ""  # no TCP port taken
        query(cluster, "CREATE TABLE IF NOT EXISTS kept (id int)")
        # a second start reuses the running cluster
        again = devenv.Cluster(cluster_base / "pg", cluster.bin_dir)
        assert again.start() is False and not again.started_here
        assert cluster.stop() is True
        assert not cluster.is_running()
        # data survives a restart
        assert cluster.start() is True
        assert query(cluster, "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'") == 1
    finally:
        cluster.stop()
    assert not cluster.is_running()
    assert cluster.stop() is False


@pytest.mark.skipif(os.geteuid() != 0, reason="the private-folder case only exists when called as root")
def test_root_private_folder_is_explained(cluster_base):
    private = cluster_base / "private"
    private.mkdir(mode=0o700)
    cluster = devenv.Cluster(private / "inner" / "pg", devenv.find_pg_bin(os.environ))
    with pytest.raises(devenv.SetupError, match="cannot write"):
        cluster.init()


def test_long_paths_get_a_short_socket_dir(tmp_path):
    deep = tmp_path / ("x" * 120)
    cluster = devenv.Cluster(deep, "/usr/bin", environ={}, euid=1000)
    assert len(str(cluster.socket_dir)) < devenv.SOCKET_PATH_MAX
    short = devenv.Cluster(Path("/srv/p/pg"), "/usr/bin", environ={}, euid=1000)
    assert short.socket_dir == Path("/srv/p/pg/run")


# -- ports, config, logs ---------------------------------------------------------


def test_port_in_use_detected():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert devenv.port_in_use(port)
    assert not devenv.port_in_use(devenv.free_port())


def test_port_taken_stops_run_before_anything(monkeypatch):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(devenv.SetupError, match=f"Port {port} is already in use.*CRM_HTTP_PORT"):
            devenv.cmd_run({"CRM_HTTP_PORT": str(port)})


def test_odoo_config_points_at_cluster(tmp_path):
    cluster = devenv.Cluster(tmp_path / "pg", "/usr/bin", environ={}, euid=1000)
    odoo_src = make_odoo_tree(tmp_path / "odoo")
    config = devenv.write_odoo_config(tmp_path / "odoo.conf", odoo_src, cluster, {"http_port": 8123})
    text = config.read_text()
    assert f"db_host = {cluster.socket_dir}" in text
    assert "db_user = odoo" in text
    assert "http_port = 8123" in text
    assert str(PROJECT_DIR) in text.split("addons_path = ")[1].splitlines()[0]


def test_odoo_log_counts():
    lines = [
        "2026-11-23 16:11:45,931 5049 INFO db odoo.modules.loading: loading x",
        "2026-11-23 16:11:45,931 5049 ERROR db odoo.addons.crm_value.tests.test_x: FAIL: test_y",
        (
            "2026-11-23 16:11:45,931 5049 ERROR db odoo.tests.result: 1 failed, 0 error(s) of 12 tests "
            "when loading database 'db'"
        ),
    ]
    run, failed, errors = devenv.parse_odoo_log(lines)
    assert (run, failed, len(errors)) == (12, 1, 2)
    assert devenv.parse_odoo_log(lines[:1]) == (0, 0, [])


def test_odoo_test_failures_and_difference():
    """make test-odoo names each failed test with the last line of its traceback, and
    counts only those failing with the suite and not without it."""
    prefix = "2026-11-23 16:11:45,931 5049"
    lines = [
        f"{prefix} INFO db odoo.addons.sale.tests.test_x: Starting TestX.test_a ...",
        f"{prefix} ERROR db odoo.addons.sale.tests.test_x: FAIL: TestX.test_a",
        "Traceback (most recent call last):",
        '  File "x.py", line 3, in test_a',
        "AssertionError: 'I can see 2 order(s)' != 'I can see 1 order(s)'",
        f"{prefix} ERROR db odoo.addons.crm.tests.test_y: ERROR: Subtest TestY.test_b (i=1)",
        "ValueError: boom",
        f"{prefix} ERROR db odoo.addons.crm.tests.test_y: ERROR: Subtest TestY.test_b (i=2)",
        "ValueError: boom again",
        f"{prefix} ERROR db odoo.sql_db: bad query: SELECT 1",
    ]
    failures = devenv.parse_test_failures(lines)
    assert failures == {
        "odoo.addons.sale.tests.test_x:TestX.test_a": (
            "AssertionError: 'I can see 2 order(s)' != 'I can see 1 order(s)'"
        ),
        "odoo.addons.crm.tests.test_y:TestY.test_b": "ValueError: boom",
    }
    without = (10, {"odoo.addons.crm.tests.test_y:TestY.test_b": "ValueError: boom"})
    only_with, passed = devenv.compare_odoo_runs(without, (10, failures))
    assert list(only_with) == ["odoo.addons.sale.tests.test_x:TestX.test_a"]
    assert passed == 9


def test_odoo_tests_addons_run_the_same_odoo_tests():
    """The two test-only addons of make test-odoo differ only by the suite's addons, and
    stay off the normal addons path."""
    manifests = {
        name: eval((devenv.ODOO_TESTS_ADDONS_DIR / name / "__manifest__.py").read_text())  # noqa: S307
        for _label, name, _suite in devenv.ODOO_TESTS_RUNS
    }
    for _label, name, suite in devenv.ODOO_TESTS_RUNS:
        assert manifests[name]["depends"] == [*devenv.ODOO_TESTED_ADDONS, *suite]
    assert str(devenv.ODOO_TESTS_ADDONS_DIR) not in devenv.addons_path(Path("/odoo")).split(",")


def test_pytest_summary_counts():
    text = "...\n===== 3 failed, 40 passed, 1 skipped, 2 errors in 3.2s =====\n"
    assert devenv.parse_pytest_summary(text) == (40, 5)
    assert devenv.parse_pytest_summary("===== no tests ran in 0.01s =====") == (0, 0)


def test_addons_digest_follows_the_addons(tmp_path):
    for addon in devenv.ADDONS:
        (tmp_path / addon / "models").mkdir(parents=True)
        (tmp_path / addon / "models" / "x.py").write_text("a = 1\n")
    first = devenv.addons_digest(tmp_path)
    assert devenv.addons_digest(tmp_path) == first
    (tmp_path / "crm_value" / "models" / "x.py").write_text("a = 2\n")
    assert devenv.addons_digest(tmp_path) != first
    (tmp_path / "crm_value" / "models" / "x.py").write_text("a = 1\n")
    (tmp_path / "crm_value" / "models" / "__pycache__").mkdir()
    (tmp_path / "crm_value" / "models" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert devenv.addons_digest(tmp_path) == first


def test_make_targets_call_devenv():
    makefile = (PROJECT_DIR / "Makefile").read_text()
    for target in ("run", "test", "test-compat", "test-odoo", "lint"):
        assert f"tools/devenv.py {target}" in makefile


@pytest.mark.parametrize("command", ["test", "test-compat"])
def test_cli_reports_setup_errors_with_summary(tmp_path, command):
    """A missing prerequisite ends ``make test`` with a clear message and the summary line."""
    env = dict(os.environ, ODOO_SRC=str(tmp_path))
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "tools" / "devenv.py"), command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "is not an Odoo source tree" in result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 1 failed"


STUB_MAKE = """#!/bin/sh
case "$1" in
    lint) exit 0 ;;
    test) echo "===== 5 passed, 1 failed in 2.00s ====="; echo "{test}"; exit {test_rc} ;;
    test-compat) echo "{compat}"; exit {compat_rc} ;;
esac
exit 2
"""


@pytest.mark.parametrize(
    ("test", "compat", "last_line", "status"),
    [
        (("300 passed, 0 failed", 0), ("270 passed, 0 failed", 0), "570 passed, 0 failed", 0),
        (("300 passed, 0 failed", 0), ("262 passed, 8 failed", 1), "562 passed, 8 failed", 1),
        (("300 passed, 0 failed", 0), ("", 2), "300 passed, 1 failed", 1),
    ],
)
def test_ci_sums_make_test_and_make_test_compat(tmp_path, test, compat, last_line, status):
    """CI reads the last line: the counts of both runs, and a failing status when one fails."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(PROJECT_DIR / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    make = bin_dir / "make"
    make.write_text(STUB_MAKE.format(test=test[0], test_rc=test[1], compat=compat[0], compat_rc=compat[1]))
    make.chmod(0o755)
    result = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", CI_TARGETS="test test-compat"),
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == last_line
    assert result.returncode == status


def test_ci_runs_make_test_and_test_compat_by_default(tmp_path):
    """Without CI_TARGETS, CI runs make test, then make test-compat, and adds up their counts."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(PROJECT_DIR / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    make = bin_dir / "make"
    make.write_text(
        STUB_MAKE.format(test="300 passed, 0 failed", test_rc=0, compat="262 passed, 8 failed", compat_rc=1)
    )
    make.chmod(0o755)
    environ = {key: value for key, value in os.environ.items() if key != "CI_TARGETS"}
    result = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        capture_output=True,
        text=True,
        env=dict(environ, PATH=f"{bin_dir}:{os.environ['PATH']}"),
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "562 passed, 8 failed"
    assert result.returncode == 1
