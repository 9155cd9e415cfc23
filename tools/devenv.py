#!/usr/bin/env python3
"""Development environment of the CRM suite: the logic behind ``make run``,
``make test``, ``make test-compat``, ``make lint`` and ``make bench``.

Standard library only, so it runs with the machine's Python before any
virtualenv exists. Every step reuses what an earlier run left behind:

* Odoo 18.0 source: ``$ODOO_SRC``, else a clone of branch 18.0 in the cache;
* a virtualenv in the cache, keyed by the Python version and the requirements;
* an embedded PostgreSQL cluster in ``.devenv/pg`` (git-ignored), unless the
  standard ``PG*`` variables point at an existing server;
* the demo database (``make run``) or a throwaway one (``make test``, ``make test-compat``).

Environment variables (all optional):

``ODOO_SRC``        an Odoo 18.0 checkout to use instead of cloning one
``CRM_CACHE_DIR``   cache for the Odoo clone and the virtualenvs
                    (default ``$XDG_CACHE_HOME/crm-suite`` or ``~/.cache/crm-suite``)
``PYTHON``          interpreter for the virtualenv (default: the one running this)
``PG_BIN``          folder of PostgreSQL's server binaries (initdb, pg_ctl, postgres)
``PGHOST`` ...      use that PostgreSQL server instead of the embedded cluster
``CRM_DB``          database served by ``make run`` (default ``crm_demo``)
``CRM_HTTP_PORT``   port served by ``make run`` (default 8069)
``CRM_PG_OS_USER``  unprivileged system user running the cluster when called as root
``CRM_TEST_TAGS``   extra ``--test-tags`` filter for ``make test`` and ``make test-compat``
``CRM_ODOO_TEST_TAGS`` ``--test-tags`` of ``make test-odoo`` (default: every Odoo addon it tests)
``BENCH_PARTNERS``  partners generated for ``make bench`` (default 1000000)
``BENCH_DB``        database of ``make bench``, filled once and kept (default: a throwaway one)
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
ADDONS = ("crm_lifecycle", "crm_value", "crm_service")
# make test-odoo: Odoo addons whose own tests run without, then with the suite, and the
# test-only addons re-exporting their tests (kept off the normal addons path)
ODOO_TESTED_ADDONS = ("crm", "sale_crm", "sale_margin", "sale", "sale_management", "account")
ODOO_TESTS_ADDONS_DIR = PROJECT_DIR / "tools" / "odoo_tests_addon"
ODOO_TESTS_RUNS = (("without", "crm_suite_odoo_tests_ref", ()), ("with", "crm_suite_odoo_tests", ADDONS))
ODOO_GIT_URL = "https://github.com/odoo/odoo.git"
ODOO_BRANCH = "18.0"
SUPPORTED_PYTHONS = ((3, 10), (3, 12))
DB_SUPERUSER = "odoo"  # Odoo refuses to connect as the "postgres" role
DEFAULT_HTTP_PORT = 8069
DEFAULT_BENCH_PARTNERS = 1_000_000
# make test-compat: what a company's database holds before the addons come in (the
# localisations bring base_vat, website_crm changes leads, sale_stock order confirmation)
COMPAT_MODULES = ("l10n_pl", "l10n_cn", "website_crm", "partner_autocomplete", "sale_stock")
COMPAT_COUNTRY = "PL"  # country of the company: its chart of accounts and currency (PLN)
COMPAT_PYTEST = ("tests/test_import_samples.py",)  # the sample files through the import wizard
# Not the addons' own: an optional dependency of Odoo that company servers have (Odoo's
# packages bring it) and account_peppol needs, a module Odoo installs with the European
# localisations. Only in the virtualenv of make test-compat: it changes how Odoo sanitizes
# phone numbers, which data/generate.py (make bench) does as Odoo does without it.
COMPAT_REQUIREMENTS = "phonenumbers>=8.12,<10\n"
SOCKET_PATH_MAX = 100  # Unix socket paths are limited to 107 bytes on Linux
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
# Requirements that do not install as pinned on current Python tooling: what replaces them.
REQUIREMENT_OVERRIDES = {
    # Odoo pins 5.4.2, which does not build with current setuptools; 5.4.6 ships wheels
    "cbor2": (r"==\s*5\.4\.2\b", "==5.4.6"),
    # the same releases, prebuilt: no compiler nor libpq headers needed
    "psycopg2": (r"^\s*psycopg2\b", "psycopg2-binary"),
}
REQUIREMENT_SKIPS = {"python-ldap"}  # only for the auth_ldap addon, needs OpenLDAP headers

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)$"
)
TEST_REPORT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database"
)
PYTEST_SUMMARY = re.compile(r"(\d+) (passed|failed|errors?)\b")
TEST_FAILURE = re.compile(r"^(?P<flavour>FAIL|ERROR): (?:Subtest )?(?P<test>\S+)")


class SetupError(Exception):
    """A missing prerequisite; the message says what to do."""


def say(message):
    print(f"[crm-suite] {message}", flush=True)


# ---------------------------------------------------------------------------
# Python
# ---------------------------------------------------------------------------


def check_python_version(version_info):
    low, high = SUPPORTED_PYTHONS
    if not (low <= tuple(version_info[:2]) <= high):
        found = ".".join(str(part) for part in version_info[:3])
        raise SetupError(
            f"Python {found} is not supported: Odoo 18 needs Python 3.10 to 3.12. "
            "Install one (Debian: apt-get install python3.11 python3.11-venv) and "
            "point PYTHON at it, e.g. PYTHON=python3.11 make test."
        )


def python_version_of(python):
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:3])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SetupError(
            f"Cannot run the Python interpreter {python!r} ({exc}). "
            "Set PYTHON to a Python 3.10, 3.11 or 3.12 executable."
        ) from exc
    return tuple(int(part) for part in out.split())


# ---------------------------------------------------------------------------
# Odoo source
# ---------------------------------------------------------------------------


def odoo_major_version(path):
    """Major version of the Odoo source tree at ``path``, or None."""
    release = Path(path) / "odoo" / "release.py"
    if not release.is_file() or not (Path(path) / "odoo-bin").is_file():
        return None
    match = re.search(r"^version_info\s*=\s*\(\s*(?:['\"]saas~)?(\d+)", release.read_text(), re.MULTILINE)
    return int(match.group(1)) if match else None


def find_odoo(environ, cache_dir, runner=subprocess.run):
    """Return the Odoo 18.0 source to use, cloning it into the cache if needed."""
    src = environ.get("ODOO_SRC")
    if src:
        path = Path(src).expanduser().resolve()
        version = odoo_major_version(path)
        if version is None:
            raise SetupError(
                f"ODOO_SRC={src} is not an Odoo source tree (no odoo-bin and odoo/release.py). "
                "Point ODOO_SRC at a checkout of Odoo 18.0, or unset it to clone one."
            )
        if version != 18:
            raise SetupError(
                f"ODOO_SRC={src} holds Odoo {version}, these addons need Odoo 18.0. "
                "Point ODOO_SRC at an Odoo 18.0 checkout."
            )
        return path
    clone = Path(cache_dir) / "odoo-18.0"
    if odoo_major_version(clone) == 18:
        return clone
    if shutil.which("git") is None:
        raise SetupError(
            "No Odoo source: ODOO_SRC is not set and git is not installed to clone it. "
            "Install git, or set ODOO_SRC=/path/to/odoo-18.0."
        )
    say(f"Cloning Odoo {ODOO_BRANCH} into {clone} (once; set ODOO_SRC to use your own checkout)")
    partial = clone.with_name(clone.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    result = runner(
        ["git", "clone", "--depth", "1", "--branch", ODOO_BRANCH, ODOO_GIT_URL, str(partial)],
        check=False,
    )
    if result.returncode != 0 or odoo_major_version(partial) != 18:
        shutil.rmtree(partial, ignore_errors=True)
        raise SetupError(
            f"No Odoo source: ODOO_SRC is not set and cloning {ODOO_GIT_URL} (branch "
            f"{ODOO_BRANCH}) failed, is the network reachable? Set ODOO_SRC=/path/to/odoo-18.0 "
            "to use a checkout you already have."
        )
    shutil.rmtree(clone, ignore_errors=True)
    partial.rename(clone)
    return clone


# ---------------------------------------------------------------------------
# Virtualenv
# ---------------------------------------------------------------------------


def _requirement_name(line):
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)", line)
    return match.group(1).lower() if match else None


def adapt_requirements(text):
    """A requirements file with the overrides and skips applied."""
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        name = _requirement_name(line)
        if not name or name in REQUIREMENT_SKIPS:
            continue
        if name in REQUIREMENT_OVERRIDES:
            pattern, replacement = REQUIREMENT_OVERRIDES[name]
            spec, sep, marker = line.partition(";")
            line = re.sub(pattern, replacement, spec) + sep + marker
        lines.append(line)
    return "\n".join(lines) + "\n"


def venv_dir(cache_dir, python_version, requirement_texts):
    digest = hashlib.sha256("\n".join(requirement_texts).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"venv-py{python_version[0]}{python_version[1]}-{digest}"


def venv_python(venv):
    return Path(venv) / "bin" / "python"


def ensure_venv(python, cache_dir, odoo_src, project_dir=PROJECT_DIR, extra_requirements=""):
    """The virtualenv of Odoo's and the project's requirements, plus ``extra_requirements``
    (requirements text): each set of requirements has its own virtualenv."""
    version = python_version_of(python)
    check_python_version(version)
    odoo_requirements = adapt_requirements((odoo_src / "requirements.txt").read_text())
    own_requirements = adapt_requirements((project_dir / "requirements.txt").read_text() + extra_requirements)
    venv = venv_dir(cache_dir, version, [odoo_requirements, own_requirements])
    marker = venv / ".crm-suite-installed"
    if not marker.exists():
        say(f"Creating the virtualenv {venv} (once per requirements change)")
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([python, "-m", "venv", str(venv)], check=False)
        if result.returncode != 0:
            raise SetupError(
                f"{python} -m venv failed. On Debian/Ubuntu install the venv module: "
                f"apt-get install python3.{version[1]}-venv"
            )
        pip = [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check"]
        (venv / "odoo-requirements.txt").write_text(odoo_requirements)
        (venv / "project-requirements.txt").write_text(own_requirements)
        for args in (
            ["--upgrade", "pip", "wheel", "setuptools<81"],
            ["-r", str(venv / "odoo-requirements.txt")],
            ["-r", str(venv / "project-requirements.txt")],
        ):
            if subprocess.run(pip + args, check=False).returncode != 0:
                raise SetupError(
                    f"pip install {' '.join(args)} failed in {venv} (see the output above). "
                    "Check the network access to PyPI, then run the command again."
                )
        marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
    # Odoo itself is used from its source tree: make it importable (pytest-odoo, scripts).
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    (site_packages / "odoo-src.pth").write_text(f"{odoo_src}\n")
    return venv


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


def find_pg_bin(environ, which=shutil.which, glob_root="/usr/lib/postgresql"):
    """Folder holding initdb, pg_ctl and postgres."""
    needed = ("initdb", "pg_ctl", "postgres")
    candidates = []
    if environ.get("PG_BIN"):
        candidates.append(Path(environ["PG_BIN"]))
    pg_ctl = which("pg_ctl")
    if pg_ctl:
        candidates.append(Path(os.path.realpath(pg_ctl)).parent)
    versions = sorted(
        Path(glob_root).glob("*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.name.split(".")],
        reverse=True,
    )
    candidates.extend(versions)
    for folder in candidates:
        if all((folder / name).is_file() for name in needed):
            return folder
    raise SetupError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install them "
        "(Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install postgresql-server; "
        "macOS: brew install postgresql@15) or set PG_BIN to their folder, or point the PG* "
        "variables (PGHOST, PGPORT, PGUSER, PGPASSWORD) at a running server."
    )


def external_server(environ):
    """True when the standard PG* variables point at an existing server."""
    return bool(environ.get("PGHOST") or environ.get("PGPORT") or environ.get("PGDATABASE"))


def pick_os_user(environ, getpwnam=None):
    """(name, uid, gid) of the unprivileged user that runs the cluster under root."""
    import pwd  # POSIX only

    getpwnam = getpwnam or pwd.getpwnam
    names = [environ["CRM_PG_OS_USER"]] if environ.get("CRM_PG_OS_USER") else ["postgres", "nobody"]
    for name in names:
        try:
            entry = getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid == 0:
            continue
        return name, entry.pw_uid, entry.pw_gid
    raise SetupError(
        "PostgreSQL refuses to run as root and none of the users "
        f"{', '.join(names)} exists. Create one (useradd --system postgres) or set "
        "CRM_PG_OS_USER to an existing unprivileged user."
    )


class Cluster:
    """A throwaway PostgreSQL cluster owned by this project."""

    def __init__(self, base_dir, bin_dir, environ=None, euid=None):
        self.base_dir = Path(base_dir)
        self.data_dir = self.base_dir / "data"
        self.bin_dir = Path(bin_dir)
        self.environ = dict(os.environ if environ is None else environ)
        self.euid = os.geteuid() if euid is None else euid
        self.port = 5432  # only names the socket file: the cluster listens on no TCP port
        self.os_user = None
        if self.euid == 0:
            self.os_user = pick_os_user(self.environ)
        self.socket_dir = self._socket_dir()
        self.started_here = False

    def _socket_dir(self):
        wanted = self.base_dir / "run"
        if len(str(wanted)) + len("/.s.PGSQL.5432") <= SOCKET_PATH_MAX:
            return wanted
        digest = hashlib.sha256(str(self.base_dir).encode()).hexdigest()[:10]
        return Path("/tmp") / f"crm-suite-pg-{digest}"

    # -- helpers ----------------------------------------------------------
    def _run(self, args, **kwargs):
        if self.os_user:
            kwargs.setdefault("user", self.os_user[1])
            kwargs.setdefault("group", self.os_user[2])
            kwargs.setdefault("extra_groups", [])
        env = {k: v for k, v in self.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        kwargs.setdefault("env", env)
        kwargs.setdefault("cwd", "/")
        check = kwargs.pop("check", False)
        return subprocess.run(args, check=check, **kwargs)

    def _own(self, path):
        if self.os_user:
            os.chown(path, self.os_user[1], self.os_user[2])

    def _check_reachable(self):
        """Under root, the cluster user must reach the project-local folder."""
        if not self.os_user:
            return
        probe = self._run(["/bin/sh", "-c", f'test -w "{self.base_dir}"'])
        if probe.returncode != 0:
            raise SetupError(
                f"The unprivileged user {self.os_user[0]!r} that runs PostgreSQL (it refuses "
                f"root) cannot write {self.base_dir}: a parent folder is private. Clone the "
                "project under a folder others can enter (e.g. /srv or /work), or point the "
                "PG* variables at an existing server."
            )

    @property
    def initialized(self):
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self):
        if self.initialized:
            return False
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self._own(self.base_dir)
        self._check_reachable()
        say(f"Creating the PostgreSQL cluster in {self.data_dir}")
        result = self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                DB_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SetupError(f"initdb failed:\n{result.stdout}{result.stderr}")
        return True

    def is_running(self):
        if not self.initialized:
            return False
        result = self._run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True,
        )
        return result.returncode == 0

    def start(self):
        self.init()
        if self.is_running():
            return False
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self._own(self.socket_dir)
        log = self.base_dir / "postgresql.log"
        options = (
            f"-c listen_addresses='' -k {self.socket_dir} -p {self.port} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=100 -c shared_buffers=256MB"
        )
        result = self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            capture_output=True,
            text=True,
            # own session: Ctrl-C in the terminal reaches Odoo, we stop the cluster ourselves
            start_new_session=True,
        )
        if result.returncode != 0:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise SetupError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}{tail}")
        self.started_here = True
        return True

    def stop(self):
        if not self.is_running():
            return False
        self._run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        return True

    def connection(self):
        return {"db_host": str(self.socket_dir), "db_port": str(self.port), "db_user": DB_SUPERUSER}


class ExternalServer:
    """A server the PG* variables point at."""

    started_here = False

    def __init__(self, environ):
        self.environ = environ

    def start(self):
        return False

    def stop(self):
        return False

    def connection(self):
        env = self.environ
        return {
            "db_host": env.get("PGHOST", "False"),
            "db_port": env.get("PGPORT", "False"),
            "db_user": env.get("PGUSER", "False"),
            "db_password": env.get("PGPASSWORD", "False"),
        }


def make_server(environ, project_dir=PROJECT_DIR):
    if external_server(environ):
        return ExternalServer(environ)
    return Cluster(Path(project_dir) / ".devenv" / "pg", find_pg_bin(environ), environ)


# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------


def addons_path(odoo_src, project_dir=PROJECT_DIR):
    return ",".join([str(odoo_src / "addons"), str(odoo_src / "odoo" / "addons"), str(project_dir)])


def write_odoo_config(path, odoo_src, server, extra=None, project_dir=PROJECT_DIR):
    values = {
        "addons_path": addons_path(odoo_src, project_dir),
        "data_dir": str(Path(project_dir) / ".devenv" / "data"),
        "admin_passwd": "admin",
        "list_db": "True",
        "proxy_mode": "False",
    }
    values.update(server.connection())
    values.update(extra or {})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[options]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()))
    return path


def port_in_use(port, host="0.0.0.0"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout, process=None):
    """Wait until ``url`` answers 200 (Odoo's login page needs the loaded registry)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return True
        time.sleep(0.5)
    return False


def psql(venv, config, sql, dbname="postgres"):
    """Run one SQL statement through psycopg2 with Odoo's connection settings."""
    code = (
        "import json, sys, configparser, psycopg2\n"
        "c = configparser.ConfigParser(); c.read(sys.argv[1]); o = c['options']\n"
        "kw = {k[3:]: o[k] for k in ('db_host', 'db_port', 'db_user', 'db_password')"
        " if o.get(k, 'False') != 'False'}\n"
        "cn = psycopg2.connect(dbname=sys.argv[2], **kw); cn.autocommit = True\n"
        "cr = cn.cursor(); cr.execute(sys.argv[3])\n"
        "print(json.dumps(cr.fetchall() if cr.description else []))\n"
    )
    result = subprocess.run(
        [str(venv_python(venv)), "-c", code, str(config), dbname, sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SetupError(f"Database command failed: {sql}\n{result.stderr.strip()}")
    return json.loads(result.stdout)


def database_exists(venv, config, name):
    return bool(psql(venv, config, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def missing_addons(venv, config, name):
    rows = psql(
        venv,
        config,
        "SELECT name FROM ir_module_module WHERE state = 'installed' AND name IN ({})".format(
            ", ".join(f"'{addon}'" for addon in ADDONS)
        ),
        dbname=name,
    )
    installed = {row[0] for row in rows}
    return [addon for addon in ADDONS if addon not in installed]


def drop_database(venv, config, name):
    psql(venv, config, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(Path(PROJECT_DIR) / ".devenv" / "data" / "filestore" / name, ignore_errors=True)


def odoo_command(venv, odoo_src, config, *args):
    return [str(venv_python(venv)), str(odoo_src / "odoo-bin"), "-c", str(config), *args]


def odoo_test_command(venv, odoo_src, config, dbname, addons, tags):
    """Install ``addons`` (comma-separated) in ``dbname`` with the tests ``tags`` on, then stop."""
    return odoo_command(
        venv,
        odoo_src,
        config,
        "-d",
        dbname,
        "-i",
        addons,
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--log-level=test",
        "--max-cron-threads=0",
    )


def load_addons(venv, odoo_src, config, dbname, flag, addons, *args):
    """Install (``-i``) or update (``-u``) ``addons`` in ``dbname``, or say it failed."""
    command = odoo_command(venv, odoo_src, config, "-d", dbname, flag, ",".join(addons), *args)
    if subprocess.run([*command, "--stop-after-init"], check=False).returncode != 0:
        raise SetupError(f"Loading {', '.join(addons)} into {dbname} failed (see above).")


@contextlib.contextmanager
def odoo_session(environ, config_name, extra=None, before_start=None, requirements=""):
    """Set up, run ``before_start()``, write the Odoo config ``.devenv/<config_name>`` and
    start the server.

    Yields ``(odoo_src, venv, config, drop)``; each database passed to ``drop`` is dropped
    at the end, and the cluster is stopped if this session started it (a cluster another
    command started keeps running).
    """
    odoo_src, venv, server = prepare(environ, requirements)
    if before_start:
        before_start()
    config = write_odoo_config(Path(PROJECT_DIR) / ".devenv" / config_name, odoo_src, server, extra)
    server.start()
    throwaway = []
    try:
        yield odoo_src, venv, config, throwaway.append
    finally:
        for dbname in throwaway:
            with contextlib.suppress(SetupError):
                drop_database(venv, config, dbname)
        if server.started_here and server.stop():
            say("PostgreSQL stopped.")


def find_browser(which=shutil.which):
    return next((which(name) for name in BROWSERS if which(name)), None)


def ensure_browser(euid=None):
    """Tours need a headless Chrome or Chromium; install Debian's when we can."""
    if find_browser():
        return
    euid = os.geteuid() if euid is None else euid
    if euid == 0 and shutil.which("apt-get"):
        say("Installing Debian's chromium for the browser tests (tours)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
        if find_browser():
            return
    raise SetupError(
        "The browser tests (tours) need Chromium or Google Chrome and none was found. "
        "Install it (Debian/Ubuntu: apt-get install chromium) and run the command again."
    )


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def cache_dir_of(environ):
    if environ.get("CRM_CACHE_DIR"):
        return Path(environ["CRM_CACHE_DIR"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "crm-suite"


def prepare(environ, requirements=""):
    """Everything both commands need: (odoo_src, venv, server)."""
    python = environ.get("PYTHON") or sys.executable
    check_python_version(python_version_of(python))
    cache_dir = cache_dir_of(environ)
    odoo_src = find_odoo(environ, cache_dir)
    server = make_server(environ)
    venv = ensure_venv(python, cache_dir, odoo_src, extra_requirements=requirements)
    return odoo_src, venv, server


def cmd_setup(environ):
    odoo_src, venv, _server = prepare(environ)
    say(f"Odoo source: {odoo_src}")
    say(f"Virtualenv: {venv}")
    return 0


def addons_digest(project_dir=PROJECT_DIR):
    """A fingerprint of the addons' files: ``make run`` updates the addons when it changes."""
    digest = hashlib.sha256()
    for addon in ADDONS:
        for path in sorted((Path(project_dir) / addon).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(project_dir)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def cmd_run(environ):
    port = int(environ.get("CRM_HTTP_PORT") or DEFAULT_HTTP_PORT)
    if port_in_use(port):
        raise SetupError(
            f"Port {port} is already in use (another Odoo running?). Stop that program, or "
            f"serve on another port: CRM_HTTP_PORT={port + 1} make run"
        )
    dbname = environ.get("CRM_DB") or "crm_demo"
    with odoo_session(environ, "odoo.conf") as (odoo_src, venv, config, _drop):
        odoo = None
        try:
            if not database_exists(venv, config, dbname):
                say(f"Creating the database {dbname} with the addons and demo data (once)")
                to_install = list(ADDONS)
            else:
                to_install = missing_addons(venv, config, dbname)
            stamp = Path(PROJECT_DIR) / ".devenv" / f"{dbname}.addons-hash"
            digest = addons_digest()
            unchanged = stamp.exists() and stamp.read_text() == digest
            to_update = [] if to_install or unchanged else list(ADDONS)
            if to_install:
                load_addons(venv, odoo_src, config, dbname, "-i", to_install)
            if to_update:
                say(f"The addons changed since the last run: updating them in {dbname}")
                load_addons(venv, odoo_src, config, dbname, "-u", to_update)
            stamp.write_text(digest)
            odoo = subprocess.Popen(
                odoo_command(
                    venv, odoo_src, config, "-d", dbname, f"--db-filter=^{dbname}$", f"--http-port={port}"
                )
            )
            if wait_for_http(f"http://127.0.0.1:{port}/web/login", 300, odoo):
                say("")
                say(f"Odoo is serving at http://localhost:{port}  (database {dbname})")
                say("Log in as admin / admin (demo users: demo / demo). Ctrl-C stops Odoo and the database.")
                say("")
            odoo.wait()
            return 0
        except KeyboardInterrupt:
            return 0
        finally:
            if odoo is not None:
                stop_process(odoo)


def stop_process(process, grace=10):
    """Let Odoo finish the shutdown Ctrl-C started; a second signal would force it."""
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        if sig is not None:
            process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace if sig is None else 30)


def parse_odoo_log(lines):
    """Counts from an Odoo test run log: (tests run, failures, error lines)."""
    report = None
    error_lines = []
    for line in lines:
        match = LOG_LINE.match(line)
        if match and match["level"] in ("ERROR", "CRITICAL"):
            error_lines.append(line)
        found = TEST_REPORT.search(line)
        if found:
            report = found
    if report is None:
        return 0, 0, error_lines
    failed = int(report["failed"]) + int(report["errors"])
    return int(report["run"]), failed, error_lines


def parse_pytest_summary(text):
    passed = failed = 0
    for line in reversed(text.splitlines()):
        if line.startswith("=") and ("passed" in line or "failed" in line or "error" in line):
            for count, kind in PYTEST_SUMMARY.findall(line):
                if kind == "passed":
                    passed += int(count)
                else:
                    failed += int(count)
            break
    return passed, failed


def stream(command, log_path, env=None):
    """Run ``command``, echo its output and keep a copy; return (rc, lines)."""
    lines = []
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, errors="replace"
        )
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
            lines.append(line.rstrip("\n"))
        return process.wait(), lines


def prepare_compat_database(venv, odoo_src, config, dbname):
    """A database as a company runs it: a Polish company with its localisation, the
    Chinese one and the apps of ``COMPAT_MODULES`` installed before the addons."""
    say(f"Creating {dbname}: a company in {COMPAT_COUNTRY} with {', '.join(COMPAT_MODULES)}")
    load_addons(venv, odoo_src, config, dbname, "-i", ["base"], "--max-cron-threads=0", "--log-level=warn")
    # the country decides the chart of accounts and the currency installed with the localisation
    script = (
        "company = env.ref('base.main_company')\n"
        f"company.country_id = env.ref('base.{COMPAT_COUNTRY.lower()}')\n"
        "env.cr.commit()\n"
    )
    shell = [str(venv_python(venv)), str(odoo_src / "odoo-bin"), "shell", "-c", str(config), "-d", dbname]
    shell += ["--no-http", "--log-level=warn"]
    if subprocess.run(shell, input=script, text=True, check=False).returncode != 0:
        raise SetupError(f"Setting the country of the company of {dbname} failed (see above).")
    load_addons(
        venv, odoo_src, config, dbname, "-i", COMPAT_MODULES, "--max-cron-threads=0", "--log-level=warn"
    )


def run_test_suite(environ, name, prepare_database=None, pytest_paths=("tests",), requirements=""):
    """Install the addons with their tests into a throwaway database, then run the pytest
    tests of ``pytest_paths`` (relative to the project) against it.

    ``prepare_database(venv, odoo_src, config, dbname)``, when given, fills the database
    before the addons go in; ``requirements`` are added to the virtualenv's. Logs:
    ``.devenv/<name>-odoo.log`` and ``<name>-pytest.log``. Returns ``(passed, failed)``.
    """
    devenv = Path(PROJECT_DIR) / ".devenv"
    dbname = f"crm_{name.replace('-', '_')}_{os.getpid()}_{int(time.time())}"
    passed = failed = 0
    extra = {"http_port": free_port(), "workers": 0}
    with odoo_session(environ, f"odoo-{name}.conf", extra, ensure_browser, requirements) as session:
        odoo_src, venv, config, drop = session
        drop(dbname)
        if prepare_database:
            prepare_database(venv, odoo_src, config, dbname)
        tags = ",".join(f"/{addon}" for addon in ADDONS)
        if environ.get("CRM_TEST_TAGS"):
            tags = environ["CRM_TEST_TAGS"]
        say(f"Running the addons' tests in the throwaway database {dbname}")
        rc, lines = stream(
            odoo_test_command(venv, odoo_src, config, dbname, ",".join(ADDONS), tags),
            devenv / f"{name}-odoo.log",
        )
        run, odoo_failed, error_lines = parse_odoo_log(lines)
        passed += run - odoo_failed
        failed += odoo_failed
        if run == 0:
            say("No Odoo test ran: the addons did not install or no test was found.")
            failed += 1
        if error_lines:
            say(f"{len(error_lines)} ERROR/CRITICAL line(s) in the Odoo log:")
            for line in error_lines[:30]:
                print("    " + line[:300])
            if not odoo_failed:  # errors outside any test (install, data, assets) fail the run
                failed += len(error_lines)
        elif rc != 0 and odoo_failed == 0:
            say(f"Odoo exited with status {rc}.")
            failed += 1

        say("Running the project tests (tests/) with pytest")
        env = dict(os.environ, CRM_TEST_DB=dbname, CRM_ODOO_CONFIG=str(config), ODOO_SRC=str(odoo_src))
        prc, plines = stream(
            [
                str(venv_python(venv)),
                "-m",
                "pytest",
                *(str(Path(PROJECT_DIR) / path) for path in pytest_paths),
                "-p",
                "no:cacheprovider",
                f"--odoo-config={config}",
                f"--odoo-database={dbname}",
            ],
            devenv / f"{name}-pytest.log",
            env=env,
        )
        p_passed, p_failed = parse_pytest_summary("\n".join(plines))
        passed += p_passed
        failed += p_failed
        if prc not in (0, 5) and p_failed == 0:  # 5: no test collected
            failed += 1
    return passed, failed


def report_test_run(passed, failed):
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


def cmd_test(environ):
    return report_test_run(*run_test_suite(environ, "test"))


def cmd_test_compat(environ):
    """``make test`` in a company's database: localisations and common apps installed first.

    Of tests/, only what runs the addons in the database (COMPAT_PYTEST): the others test the
    development tools, which ``make test`` runs, and data/generate.py, which fills the bare
    database of ``make bench``.
    """
    return report_test_run(
        *run_test_suite(
            environ,
            "test-compat",
            prepare_compat_database,
            pytest_paths=COMPAT_PYTEST,
            requirements=COMPAT_REQUIREMENTS,
        )
    )


def parse_test_failures(lines):
    """Failed tests of an Odoo log: {"odoo.addons.crm.tests.test_x:Class.method": first line}."""
    failures = {}
    for index, line in enumerate(lines):
        match = LOG_LINE.match(line)
        if not match or match["level"] != "ERROR":
            continue
        found = TEST_FAILURE.match(match["msg"])
        if not found:
            continue
        detail = ""
        # the traceback follows on lines of their own; its last line says what went wrong
        for text in lines[index + 1 :]:
            if LOG_LINE.match(text):
                break
            if text.strip():
                detail = text.strip()
        failures.setdefault(f"{match['logger']}:{found['test']}", detail[:200])
    return failures


def compare_odoo_runs(without, with_suite):
    """(failing only with the suite, passing with it): ``without``/``with_suite`` are
    (tests run, {test: detail}) of each run."""
    only_with = {test: detail for test, detail in with_suite[1].items() if test not in without[1]}
    return only_with, max(with_suite[0] - len(only_with), 0)


def run_odoo_tests(venv, odoo_src, config, dbname, test_addon, suite_addons, tags, log_path):
    """Install the Odoo addons (and the suite's), then the test-only addon with the tests on.

    Odoo runs a module's at_install tests right after loading it, so the Odoo addons'
    own at_install tests would run before the suite is loaded; installed by
    ``test_addon``, which depends on everything, they all run with every module loaded,
    in both runs alike. Returns (tests run, {failed test: detail}, rc, lines).
    """
    load_addons(
        venv,
        odoo_src,
        config,
        dbname,
        "-i",
        [*ODOO_TESTED_ADDONS, *suite_addons],
        "--max-cron-threads=0",
        "--log-level=warn",
    )
    rc, lines = stream(odoo_test_command(venv, odoo_src, config, dbname, test_addon, tags), log_path)
    run, _failed, _errors = parse_odoo_log(lines)
    return run, parse_test_failures(lines), rc, lines


def cmd_test_odoo(environ):
    """Odoo's own tests of ODOO_TESTED_ADDONS, without then with the suite installed.

    Each run has its own throwaway database; the difference (tests failing only with
    the suite) decides: the last line says "N passed, N failed" about it.
    """
    devenv = Path(PROJECT_DIR) / ".devenv"
    tags = environ.get("CRM_ODOO_TEST_TAGS") or ",".join(f"/{addon}" for addon in ODOO_TESTED_ADDONS)
    stamp = f"{os.getpid()}_{int(time.time())}"
    extra = {
        "http_port": free_port(),
        "workers": 0,
        "addons_path": f"{addons_path(find_odoo(environ, cache_dir_of(environ)))},{ODOO_TESTS_ADDONS_DIR}",
    }
    results = {}
    broken = 0
    with odoo_session(environ, "odoo-test-odoo.conf", extra, before_start=ensure_browser) as session:
        odoo_src, venv, config, drop = session
        for label, test_addon, suite_addons in ODOO_TESTS_RUNS:
            dbname = f"crm_test_odoo_{label}_{stamp}"
            drop(dbname)
            say(f"Odoo's tests ({tags}) {label} the suite, in the throwaway database {dbname}")
            started = time.time()
            log_path = devenv / f"test-odoo-{label}.log"
            try:
                run, failures, _rc, _lines = run_odoo_tests(
                    venv, odoo_src, config, dbname, test_addon, suite_addons, tags, log_path
                )
            except SetupError as exc:
                say(str(exc))
                run, failures = 0, {}
            minutes = (time.time() - started) / 60
            say(f"{label} the suite: {run} tests, {len(failures)} failed, {minutes:.1f} min (log {log_path})")
            for test, detail in sorted(failures.items()):
                print(f"    FAILED {test}\n        {detail}")
            if run == 0:
                say(f"No test ran {label} the suite (see {log_path}).")
                broken += 1
            results[label] = (run, failures)
            drop_database(venv, config, dbname)
    only_with, passed = compare_odoo_runs(results["without"], results["with"])
    say(f"{len(only_with)} test(s) fail only with the suite installed:")
    for test, detail in sorted(only_with.items()):
        print(f"    {test}\n        {detail}")
    failed = len(only_with) + broken
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


def run_benchmarks(venv, config, dbname, scripts):
    """Run each benchmark script against ``dbname``; return the names of those that failed."""
    failed = []
    for script in scripts:
        say(f"Benchmark {script.relative_to(PROJECT_DIR)}")
        command = [str(venv_python(venv)), str(script), "--config", str(config), "--database", dbname]
        if subprocess.run(command, cwd=PROJECT_DIR, check=False).returncode != 0:
            failed.append(script.name)
    return failed


def cmd_bench(environ):
    """Fill a database with BENCH_PARTNERS generated partners, then run tests/bench/bench_*.py.

    Each benchmark prints its figures against a baseline measured in the same run,
    and exits non-zero when a target is missed. The throwaway database is dropped
    at the end; ``BENCH_DB`` names a database to fill once and keep instead.
    """
    partners = int(environ.get("BENCH_PARTNERS") or DEFAULT_BENCH_PARTNERS)
    scripts = sorted((Path(PROJECT_DIR) / "tests" / "bench").glob("bench_*.py"))
    keep = bool(environ.get("BENCH_DB"))
    dbname = environ.get("BENCH_DB") or f"crm_bench_{os.getpid()}_{int(time.time())}"
    with odoo_session(environ, "odoo-bench.conf", {"http_port": free_port(), "workers": 0}) as session:
        odoo_src, venv, config, drop = session
        if not keep:
            drop(dbname)
        if not keep or not database_exists(venv, config, dbname):
            say(f"Installing the addons into the database {dbname} (no demo data)")
            load_addons(
                venv,
                odoo_src,
                config,
                dbname,
                "-i",
                ADDONS,
                "--without-demo=all",
                "--max-cron-threads=0",
                "--log-level=warn",
            )
            say(f"Generating {partners} partners (data/generate.py)")
            generate = [
                str(venv_python(venv)),
                str(Path(PROJECT_DIR) / "data" / "generate.py"),
                "--config",
                str(config),
                "--database",
                dbname,
                "--partners",
                str(partners),
            ]
            if subprocess.run(generate, cwd=PROJECT_DIR, check=False).returncode != 0:
                raise SetupError(f"Generating the partners into {dbname} failed (see above).")
        else:
            say(f"Reusing the database {dbname} (BENCH_DB)")
        failed = run_benchmarks(venv, config, dbname, scripts)
    if failed:
        say(f"{len(failed)} of {len(scripts)} benchmark(s) missed a target or failed: {', '.join(failed)}")
        return 1
    say(f"{len(scripts)} benchmark(s) run, every target met")
    return 0


def cmd_lint(environ):
    _odoo_src, venv, _server = prepare(environ)
    bin_dir = venv_python(venv).parent
    targets = [*ADDONS, "tools", "tests", "data"]
    targets = [t for t in targets if (Path(PROJECT_DIR) / t).exists()]
    steps = [
        [str(bin_dir / "ruff"), "check", "--no-fix", *targets],
        [str(bin_dir / "ruff"), "format", "--check", *targets],
        [str(bin_dir / "pylint"), "--rcfile=.pylintrc", *ADDONS],
    ]
    failed = 0
    for step in steps:
        say(" ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)))
        if subprocess.run(step, cwd=PROJECT_DIR, check=False).returncode != 0:
            failed += 1
    say("lint clean" if not failed else f"lint: {failed} check(s) failed")
    return 1 if failed else 0


def merge_po(pot_path, po_path, language):
    """Bring ``po_path`` in line with the template: new terms empty, gone terms dropped."""
    import polib  # in the virtualenv (Odoo requirement), imported by the venv's Python

    pot = polib.pofile(str(pot_path))
    old = polib.pofile(str(po_path)) if Path(po_path).exists() else polib.POFile()
    known = {(entry.msgctxt, entry.msgid): entry for entry in old}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata, Language=language)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    for entry in pot:
        previous = known.get((entry.msgctxt, entry.msgid))
        entry.msgstr = previous.msgstr if previous else ""
        po.append(entry)
    po.save(str(po_path))
    return [entry.msgid for entry in po if not entry.msgstr]


def cmd_i18n(environ):
    """Export each addon's .pot from a scratch database, then merge it into zh_CN.po."""
    dbname = f"crm_i18n_{os.getpid()}"
    untranslated = {}
    with odoo_session(environ, "odoo-i18n.conf") as (odoo_src, venv, config, drop):
        drop(dbname)
        load_addons(venv, odoo_src, config, dbname, "-i", ADDONS, "--without-demo=all")
        for addon in ADDONS:
            pot = Path(PROJECT_DIR) / addon / "i18n" / f"{addon}.pot"
            pot.parent.mkdir(exist_ok=True)
            export = odoo_command(venv, odoo_src, config, "-d", dbname, f"--i18n-export={pot}")
            subprocess.run([*export, f"--modules={addon}", "--stop-after-init"], check=True)
            code = (
                "import sys, importlib.util as u\n"
                "s = u.spec_from_file_location('devenv', sys.argv[1]); m = u.module_from_spec(s)\n"
                "s.loader.exec_module(m)\n"
                "print('\\n'.join(m.merge_po(sys.argv[2], sys.argv[3], 'zh_CN')))\n"
            )
            result = subprocess.run(
                [str(venv_python(venv)), "-c", code, __file__, str(pot), str(pot.with_name("zh_CN.po"))],
                capture_output=True,
                text=True,
                check=True,
            )
            untranslated[addon] = [line for line in result.stdout.splitlines() if line]
    for addon, terms in untranslated.items():
        listing = "".join(f"\n    {term}" for term in terms)
        say(f"{addon}: {len(terms)} term(s) to translate in i18n/zh_CN.po{listing}")
    return 0


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "test-compat": cmd_test_compat,
    "test-odoo": cmd_test_odoo,
    "lint": cmd_lint,
    "setup": cmd_setup,
    "i18n": cmd_i18n,
    "bench": cmd_bench,
}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](dict(os.environ))
    except SetupError as exc:
        print(f"\n[crm-suite] ERROR: {exc}\n", file=sys.stderr, flush=True)
        if args.command in ("test", "test-compat", "test-odoo"):
            print("0 passed, 1 failed", flush=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
