# The two commands of this project (see README.md). Everything else is in tools/devenv.py.
PYTHON ?= python3

.PHONY: run test test-compat test-odoo lint setup i18n bench

run:  ## set up, then serve Odoo with the three addons and demo data at http://localhost:8069
	@$(PYTHON) tools/devenv.py run

test:  ## set up, then run every test in a throwaway database; ends with "N passed, N failed"
	@$(PYTHON) tools/devenv.py test

test-compat:  ## make test in a company's database: l10n_pl, l10n_cn, website_crm, partner_autocomplete, sale_stock first
	@$(PYTHON) tools/devenv.py test-compat

lint:  ## ruff and pylint-odoo, configured as the OCA 18.0 template
	@$(PYTHON) tools/devenv.py lint

setup:  ## only the set-up (Odoo source, virtualenv)
	@$(PYTHON) tools/devenv.py setup

i18n:  ## export each addon's .pot and merge it into its zh_CN.po (new terms left empty)
	@$(PYTHON) tools/devenv.py i18n

bench:  ## benchmarks of tests/bench/ on BENCH_PARTNERS (default 1000000) generated partners
	@$(PYTHON) tools/devenv.py bench

test-odoo:  ## Odoo's own tests of crm, sale*, account without then with the addons; fails on any test failing only with them
	@$(PYTHON) tools/devenv.py test-odoo
