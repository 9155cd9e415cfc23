"""What the benchmarks of this folder share: their command line, their output, and the
databases they make from a template.

Not a benchmark (``make bench`` runs ``bench_*.py`` only). The benchmarks are run as
``python tests/bench/bench_x.py``, which puts this folder first in ``sys.path``: they
import it as ``benchlib``.
"""

import argparse
import configparser
import contextlib
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
ADDONS = ("crm_lifecycle", "crm_value", "crm_service")


def verdict(met):
    return "target met" if met else "TARGET MISSED"


def say(message):
    print(message, flush=True)


def peak_mb():
    """Peak resident size of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


class Step:
    """Wall time, SQL queries of this thread (Odoo counts them on the thread) and peak memory
    of a block; steps may nest (a chunk inside the whole run)."""

    def __enter__(self):
        thread = threading.current_thread()
        self.outer = hasattr(thread, "query_count")
        if not self.outer:
            thread.query_count, thread.query_time = 0, 0.0
        self.first_query = thread.query_count
        self.began = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.began
        thread = threading.current_thread()
        self.queries = thread.query_count - self.first_query
        if not self.outer:
            del thread.query_count, thread.query_time
        self.peak_mb = peak_mb()


class CursorStep:
    """Wall time and SQL queries of one cursor (its ``sql_log_count``) in a block."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.began = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.began
        self.queries = self.cr.sql_log_count - self.queries


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def env_int(name, default):
    return int(os.environ.get(name) or default)


def make_parser(doc, database_help):
    """The options of every benchmark, ``--config`` and ``--database``; the description is the
    first paragraph of ``doc`` (the script's docstring)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help=database_help)
    return parser


def add_count(parser, option, variable, default, what):
    """An integer option ``option`` whose default is the environment variable ``variable``,
    else ``default``."""
    parser.add_argument(
        option,
        type=int,
        default=env_int(variable, default),
        help=f"{what} ({variable}, default {default})",
    )


def add_template_options(parser, keep_help):
    """``--keep`` and ``--fresh``, of the benchmarks that make their databases from a template."""
    parser.add_argument(
        "--keep",
        action="store_true",
        default=bool(os.environ.get("BENCH_DB")),
        help=keep_help,
    )
    parser.add_argument("--fresh", action="store_true", help="install the template again even if kept")


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------


class Server:
    """The PostgreSQL server of the Odoo configuration, for creating and dropping databases."""

    def __init__(self, config):
        import psycopg2

        parser = configparser.ConfigParser(interpolation=None)
        parser.read(config)
        options = parser["options"] if parser.has_section("options") else {}
        self.kwargs = {
            key[3:]: options[key]
            for key in ("db_host", "db_port", "db_user", "db_password")
            if options.get(key) and options[key] != "False"
        }
        self.connection = psycopg2.connect(dbname="postgres", **self.kwargs)
        self.connection.autocommit = True

    def connect(self, dbname):
        import psycopg2

        return psycopg2.connect(dbname=dbname, **self.kwargs)

    def exists(self, dbname):
        with self.connection.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            return bool(cr.fetchone())

    def copy(self, template, dbname):
        """``dbname`` as a copy of ``template`` (which nobody may be connected to)."""
        self.drop(dbname)
        with self.connection.cursor() as cr:
            cr.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}" STRATEGY FILE_COPY')

    def drop(self, dbname):
        with self.connection.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    def installed_addons(self, dbname, required):
        """The suite's addons installed in ``dbname`` (all of them when it does not exist),
        the addon ``required`` always among them."""
        if not self.exists(dbname):
            return list(ADDONS)
        connection = self.connect(dbname)
        try:
            with connection.cursor() as cr:
                cr.execute(
                    "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                    (list(ADDONS),),
                )
                installed = {row[0] for row in cr.fetchall()} | {required}
        finally:
            connection.close()
        return [addon for addon in ADDONS if addon in installed]


def install_template(server, config, source, template, required):
    """``template``: the addons of ``source`` (``required`` among them) installed without demo data."""
    import odoo

    addons = server.installed_addons(source, required)
    say(f"Installing {', '.join(addons)} into {template} (the template of the benchmark's databases)")
    server.drop(template)
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    command = [
        sys.executable,
        str(odoo_bin),
        *("-c", str(config), "-d", template, "-i", ",".join(addons)),
        "--without-demo=all",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--stop-after-init",
        "--no-http",
    ]
    if subprocess.run(command, check=False).returncode != 0:
        server.drop(template)
        raise SystemExit(f"Installing the addons into {template} failed (see above).")


def run_generator(config, dbname, options, what):
    """Fill ``dbname`` by ``data/generate.py`` with ``options``; ``what`` it makes names the
    failure."""
    command = [
        sys.executable,
        str(PROJECT_DIR / "data" / "generate.py"),
        *("--config", str(config), "--database", dbname),
        *options,
    ]
    if subprocess.run(command, cwd=PROJECT_DIR, check=False).returncode != 0:
        raise SystemExit(f"Generating {what} into {dbname} failed (see above).")


@contextlib.contextmanager
def filled_database(odoo, args, suffix, required, fill):
    """The benchmark's own database ``<--database>_<suffix>``, yielded by name: a copy of a
    template of the addons (``<--database>_<suffix>_tpl``, installed once without demo data,
    ``required`` among them) filled by ``fill(dbname)``, or the kept filled database again with
    ``--reuse``. Both are dropped afterwards unless ``--keep``."""
    server = Server(args.config)
    template = f"{args.database}_{suffix}_tpl"
    dbname = f"{args.database}_{suffix}"
    if args.fresh or not args.keep or not server.exists(template):
        install_template(server, args.config, args.database, template, required=required)
    try:
        if not (args.reuse and args.keep and server.exists(dbname)):
            began = time.perf_counter()
            server.copy(template, dbname)
            fill(dbname)
            say(f"  (database ready in {time.perf_counter() - began:.0f} s)")
        else:
            say(f"  (reusing {dbname}: what earlier runs wrote in it stays)")
        yield dbname
    finally:
        from odoo.modules.registry import Registry

        Registry.delete(dbname)
        odoo.sql_db.close_all()
        if not args.keep:
            for name in (dbname, template):
                server.drop(name)
