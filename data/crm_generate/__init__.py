"""The synthetic data generator of ``data/generate.py``: it fills an Odoo 18 database with
the customers of a realistic company.

For demos and benchmarks. The database must have ``crm_lifecycle`` installed
(usually with ``crm_value`` and ``crm_service``)::

    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 1000000 --seed 42
    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 100000 --history --invoice-lines 2000000
    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 0 --import-file prospects.xlsx --import-rows 50000

It runs in the project's virtualenv (psycopg2) and reads the connection from
Odoo's configuration file. Records are written set-based with ``COPY`` in
chunks of ``CHUNK_SIZE`` rows, one transaction per chunk, so memory stays
bounded and an interrupted run keeps the chunks it finished. A worker process
builds the rows of the next chunk while the main one writes the current one.
In a generated or test database only, and as a superuser, the foreign key checks of the
rows written are skipped (``session_replication_role``: every id written was just read
from the database); elsewhere they stay on, see :mod:`crm_generate.database`.
The duplicate keys are computed by the addon's own pure module,
``crm_lifecycle/utils/normalize.py``, and the COPY format is the one of
``crm_lifecycle/utils/pg_copy.py``, both imported by path.

Layout: ``data/generate.py`` is the command; it puts ``data/`` on ``sys.path`` and runs
:func:`crm_generate.cli.main`. The package, from the pure modules to the command line:

* ``words.py``: word lists and names (brand syllables, cultures with their cities,
  industries and legal forms, person names, streets, the product catalogue, note texts);
* ``specs.py``: random streams (:func:`make_rng`), :class:`Permutation`, the identities
  of a company (brand, phone, VAT number), the ownership rules of a pool, and
  ``partner_specs``, which turns (seed, index range) into plain dicts; the duplicate keys
  through crm_lifecycle's ``normalize.py``. No database;
* ``prospects.py``: the prospect list of ``--import-file`` (its rows, pure, and the writer);
* ``history_plan.py``: the history a partner gets (``plan_history``), pure;
* ``database.py``: :class:`Database` (connection, table columns, ``COPY``, the bulk mode
  and when it may skip the foreign key checks) and the COPY text helpers;
* ``partners.py``: salespeople, pools, ``partner_rows`` (a chunk of specs to COPY lines,
  in the worker) and ``generate_partners``;
* ``history_rows.py``: the columns of the history's tables and ``history_rows`` (a job of
  plans to COPY lines, in the worker);
* ``history.py``: what the history refers to (journals, taxes, stages...), the partners and
  jobs it is written for, the numbering of the documents, and ``generate_history``;
* ``cli.py``: the arguments and :func:`main`, which calls the ``generate_*`` functions in
  dependency order.

Tests import these modules (tests/test_generate.py).

Determinism: every kind and chunk draws from its own random stream derived
from ``--seed`` (``make_rng(seed, kind, first_index)``), so the same seed on
the same database (and the same ``--today``, which dates are relative to)
gives the same records, and adding a kind of record later does not change the
records of the others. What must be unique (company brand, phone number, VAT
number) is derived from the record's global index through fixed permutations:
generated companies never share them, except the deliberate duplicates
(``--duplicate-share``).

Ownership (when crm_lifecycle has its pools): the partners belong to the company's
pools, owned (``--owned-share``, by default a share by stage) or in the pool, most of
the latter released from a previous owner (``--released-share``). A partner is in the
pool of its owner's sales team (or previous owner's, or of the salesperson whose team
found it), the default pool for teams without one, as crm_lifecycle places customers.
The dates follow the rules of each pool, read from the database: owners contacted and claimed
their customers recently enough to be neither warned nor released, except the expired
ones, past every deadline: ``--expired-share`` of the owned prospects, or exactly
``--expired N`` of them, which the release cron
(``res.partner._cron_crm_release_expired``) returns to the pool. The schedule the cron
reads (deadline, rule, next follow-up) is written as the addon computes it.

History (``--history``): for the generated partners that have no document yet, leads and
opportunities, quotations, confirmed orders (with their cost, for the margin), posted
invoices and credit notes with their journal items (product, tax and receivable lines),
customer payments reconciled with them (on time or late, some in two instalments, the
latest invoices still due), contact messages of the owners (the last one at the partner's
last contact) and planned activities, over ``--history-years``. The customers' sizes
follow a Pareto spread of ``--invoice-lines``, the dates the seasons. Every stored
computed field is written as Odoo computes it (amounts, residuals, payment states,
matching numbers, invoice statuses...); invoices, credit notes, payments and orders are
numbered in date order after the existing ones. The ownership schedules that the new
deals and open opportunities change are rewritten as crm_lifecycle computes them; open
quotations and opportunities only belong to owners that are not expired, so that
``--expired N`` still holds.

Prospect list (``--import-file``): an ``.xlsx`` of new companies with English headers, a
share of them customers already in the database, to try and benchmark the import of
crm_lifecycle.

Re-runs add records: each generated partner carries the marker
``ref = <prefix>-<index>`` and a new run continues after the highest index
found in the database, whatever the prefix.
"""
