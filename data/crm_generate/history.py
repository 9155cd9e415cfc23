"""``--history``: what the documents refer to (journals, accounts, taxes, payment terms,
stages, activity types, the catalogue), read or created in the database; the generated
partners without documents; jobs of a bounded size; documents numbered in date order after
the existing ones; :func:`generate_history`, which writes the rows of
:mod:`crm_generate.history_rows` and rewrites the ownership schedules the deals change."""

import collections
import itertools
import re
import time

from .database import (
    NULL,
    copy_text,
    json_text,
    pipelined,
    say,
)
from .history_plan import (
    CATALOGUE_PREFIX,
    INVOICE_LINES_PER_CUSTOMER,
    customer_weight,
    split_by_weight,
)
from .history_rows import (
    HISTORY_COLUMNS,
    HISTORY_TABLES,
    MOVE_COLUMNS,
    RELATIONS,
    history_counts,
    history_rows,
)
from .partners import load_pools
from .specs import (
    MARKER_PATTERN,
    pool_limits,
)
from .words import (
    CATALOGUE,
    FREE_MAIL_DOMAINS_IAP,
)

HISTORY_JOB_LINES = 60_000  # invoice lines per job (unit of work, COPY and transaction)
HISTORY_JOB_PARTNERS = 20_000  # ... and partners at most


def load_history_reference(db, company):
    """What the documents of the history refer to, read from the database: journals,
    accounts, the company's sale tax, payment terms, stages, lost reasons, activity types,
    sequences... Fails clearly when the company has no chart of accounts."""
    ref = {"company": company}
    rows = db.fetchall("SELECT currency_id, partner_id FROM res_company WHERE id = %s", (company,))
    ref["currency"], company_partner = rows[0]
    company_columns = db.columns("res_company")
    flags = {
        "require_signature": "portal_confirmation_sign",
        "require_payment": "portal_confirmation_pay",
        "prepayment_percent": "prepayment_percent",
    }
    present = {key: column for key, column in flags.items() if column in company_columns}
    ref["order_flags"] = {}
    if present:
        values = db.fetchall(
            f"SELECT {', '.join(present.values())} FROM res_company WHERE id = %s", (company,)
        )[0]
        ref["order_flags"] = dict(zip(present, values, strict=True))
    ref["validity_days"] = 30
    if "quotation_validity_days" in company_columns:
        days = db.fetchall("SELECT quotation_validity_days FROM res_company WHERE id = %s", (company,))[0][0]
        ref["validity_days"] = days or 30
    journals = {}
    for kind in ("sale", "bank"):
        found = db.fetchall(
            "SELECT id, code, default_account_id FROM account_journal"
            " WHERE company_id = %s AND type = %s AND active ORDER BY sequence, id LIMIT 1",
            (company, kind),
        )
        if not found:
            raise SystemExit(
                f"The company has no {kind} journal: install a chart of accounts (Invoicing settings) first."
            )
        journals[kind] = found[0]
    ref["sale_journal"], sale_code, ref["income"] = journals["sale"]
    ref["bank_journal"], bank_code, _bank_account = journals["bank"]
    ref["prefixes"] = {
        "invoice": f"{sale_code}/{{year}}/",
        "refund": f"R{sale_code}/{{year}}/",
        "payment": f"P{bank_code}/{{year}}/",
    }
    method = db.fetchall(
        "SELECT l.id, l.payment_method_id, l.name, l.payment_account_id FROM account_payment_method_line l"
        "  JOIN account_payment_method m ON m.id = l.payment_method_id"
        " WHERE l.journal_id = %s AND m.payment_type = 'inbound' ORDER BY l.sequence, l.id LIMIT 1",
        (ref["bank_journal"],),
    )
    if not method:
        raise SystemExit("The bank journal has no inbound payment method.")
    ref["method_line"], ref["method"], ref["method_name"], outstanding = method[0]
    ref["outstanding"] = (
        outstanding
        or db.xmlid("account", f"{company}_account_journal_payment_debit_account_id")
        or db.fetchall("SELECT transfer_account_id FROM res_company WHERE id = %s", (company,))[0][0]
    )
    receivable = db.fetchall(
        "SELECT d.json_value FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id"
        " WHERE f.model = 'res.partner' AND f.name = 'property_account_receivable_id'"
        "   AND (d.company_id = %s OR d.company_id IS NULL) ORDER BY d.company_id NULLS LAST LIMIT 1",
        (company,),
    )
    ref["receivable"] = int(receivable[0][0]) if receivable else None
    if not (ref["income"] and ref["outstanding"] and ref["receivable"]):
        raise SystemExit("The chart of accounts lacks an income, receivable or outstanding receipts account.")
    ref["tax"] = _sale_tax(db, company)
    terms = db.fetchall(
        "SELECT t.id, min(l.nb_days) FROM account_payment_term t JOIN account_payment_term_line l"
        "    ON l.payment_id = t.id"
        " WHERE t.active AND (t.company_id = %s OR t.company_id IS NULL)"
        " GROUP BY t.id HAVING count(*) = 1 AND bool_and(l.delay_type = 'days_after'"
        "   AND l.value = 'percent' AND l.value_amount = 100) ORDER BY t.id",
        (company,),
    )
    ref["terms"] = {}
    for term_id, days in terms:
        ref["terms"].setdefault(days, term_id)
    ref["uom"] = db.xmlid("uom", "product_uom_unit")
    ref["category"] = db.xmlid("product", "product_category_all")
    banks = db.fetchall(
        "SELECT id FROM res_partner_bank WHERE partner_id = %s AND active ORDER BY sequence, id LIMIT 1",
        (company_partner,),
    )
    ref["company_bank"] = banks[0][0] if banks else None
    ref["in_payment_state"] = "paid"
    installed = db.fetchall(
        "SELECT 1 FROM ir_module_module WHERE name = 'account_accountant' AND state = 'installed'"
    )
    if installed:
        ref["in_payment_state"] = "in_payment"
    sequence = db.fetchall(
        "SELECT id, implementation, prefix, padding FROM ir_sequence"
        " WHERE code = 'sale.order' AND active AND (company_id = %s OR company_id IS NULL)"
        " ORDER BY company_id NULLS LAST, id LIMIT 1",
        (company,),
    )
    if not sequence:
        raise SystemExit("No sequence for sale orders (ir_sequence sale.order): is sale installed?")
    ref["order_sequence"], ref["order_sequence_kind"], prefix, ref["order_padding"] = sequence[0]
    # Odoo's legend (%(year)s, %(y)s, %(month)s, %(day)s) as a format string
    ref["order_prefix"] = re.sub(
        r"%\((\w+)\)s", r"{\1}", (prefix or "").replace("{", "{{").replace("}", "}}")
    )
    ref["lead_stages"] = _lead_stages(db)
    reasons = db.fetchall(
        "SELECT id, {} FROM crm_lost_reason WHERE active ORDER BY id".format(
            "COALESCE(is_invalid_customer, FALSE)"
            if "is_invalid_customer" in db.columns("crm_lost_reason")
            else "FALSE"
        )
    )
    ref["lost_reasons"] = {
        "normal": [id_ for id_, invalid in reasons if not invalid],
        "invalid": [id_ for id_, invalid in reasons if invalid],
    }
    ref["activity_types"] = {
        kind: db.xmlid("mail", f"mail_activity_data_{kind}") for kind in ("call", "email", "meeting", "todo")
    }
    ref["subtypes"] = {"note": db.xmlid("mail", "mt_note"), "activity": db.xmlid("mail", "mt_activities")}
    ref["models"] = dict(
        db.fetchall("SELECT model, id FROM ir_model WHERE model IN ('res.partner', 'crm.lead', 'sale.order')")
    )
    users = db.fetchall(
        "SELECT u.id, p.id, p.name, p.email, p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
        " WHERE NOT COALESCE(u.share, FALSE)"
    )
    ref["users"] = {}
    ref["user_tz"] = {}
    for user_id, partner_id, name, email, tz in users:
        sender = copy_text(f'"{name}" <{email}>') if email else NULL
        ref["users"][user_id] = (partner_id, sender)
        ref["user_tz"][user_id] = tz
    ref["teams"] = dict(
        db.fetchall(
            "SELECT DISTINCT ON (user_id) user_id, crm_team_id FROM crm_team_member"
            " WHERE active ORDER BY user_id, id"
        )
    )
    ref["langs"] = dict(db.fetchall("SELECT code, id FROM res_lang"))
    return ref


def _sale_tax(db, company):
    """The company's default sale tax (a simple percentage, price excluded), with what its
    journal items need; None when there is none."""
    tax_columns = db.columns("account_tax")
    included = "price_include_override" if "price_include_override" in tax_columns else "price_include"
    rows = db.fetchall(
        f"SELECT t.id, t.amount, t.amount_type, t.{included}, t.tax_group_id, t.name->>'en_US'"
        "  FROM res_company c JOIN account_tax t ON t.id = c.account_sale_tax_id WHERE c.id = %s",
        (company,),
    )
    if not rows:
        return None
    tax_id, amount, amount_type, price_include, group, name = rows[0]
    if amount_type != "percent" or price_include in (True, "tax_included"):
        say("the default sale tax is not a plain percentage: invoices are written without tax")
        return None
    lines = dict(
        (kind, (line_id, account))
        for kind, line_id, account in db.fetchall(
            "SELECT document_type, id, account_id FROM account_tax_repartition_line"
            " WHERE tax_id = %s AND repartition_type = 'tax' ORDER BY sequence, id",
            (tax_id,),
        )[::-1]
    )
    tags = db.fetchall(
        "SELECT count(*) FROM account_account_tag_account_tax_repartition_line_rel r"
        "  JOIN account_tax_repartition_line l ON l.id = r.account_tax_repartition_line_id"
        " WHERE l.tax_id = %s",
        (tax_id,),
    )
    if tags[0][0] or "invoice" not in lines or "refund" not in lines or not lines["invoice"][1]:
        say("the default sale tax has tax report tags or no tax account: invoices are written without tax")
        return None
    return {
        "id": tax_id,
        "rate": round(float(amount) * 10_000),
        "group": group,
        "name": copy_text(name or f"{amount}%"),
        "account": lines["invoice"][1],
        "invoice_line": lines["invoice"][0],
        "refund_line": lines["refund"][0],
    }


def _lead_stages(db):
    """{plan stage: crm.stage id}: new and qualified (the first two), potential (crm_lifecycle's
    potential stage, else the third), proposition (the last open one), won."""
    columns = db.columns("crm_stage")
    potential = "COALESCE(is_potential, FALSE)" if "is_potential" in columns else "FALSE"
    rows = db.fetchall(
        f"SELECT id, COALESCE(is_won, FALSE), {potential} FROM crm_stage WHERE team_id IS NULL"
        " ORDER BY sequence, id"
    )
    if not rows:
        rows = db.fetchall(
            f"SELECT id, COALESCE(is_won, FALSE), {potential} FROM crm_stage ORDER BY sequence, id"
        )
    open_stages = [id_ for id_, won, _potential in rows if not won]
    won = [id_ for id_, is_won, _potential in rows if is_won]
    if not open_stages or not won:
        raise SystemExit("crm needs an open stage and a won stage.")
    potential_stages = [id_ for id_, is_won, is_potential in rows if is_potential and not is_won]
    return {
        "new": open_stages[0],
        "qualified": open_stages[min(1, len(open_stages) - 1)],
        "potential": potential_stages[0] if potential_stages else open_stages[min(2, len(open_stages) - 1)],
        "proposition": open_stages[-1],
        "won": won[0],
    }


PRODUCT_TEMPLATE_CONSTANTS = {
    "sale_ok": True,
    "purchase_ok": True,
    "active": True,
    "service_tracking": "no",
    "sale_line_warn": "no-message",
    "purchase_line_warn": "no-message",
    "invoice_policy": "order",
    "service_type": "manual",
    "expense_policy": "no",
    "tracking": "none",
    "is_storable": False,
    "has_configurable_attributes": False,
    "is_favorite": False,
    "crm_no_cost_needed": False,
    "color": 0,
}


def ensure_catalogue(db, ref, now):
    """The products of :data:`CATALOGUE`, created when missing (by their codes), with the
    company's sale tax: [(id, COPY text of the name, price in cents, cost in cents, type)]."""
    admin = db.xmlid("base", "user_admin") or 2
    codes = [f"{CATALOGUE_PREFIX}{code}" for code, *_rest in CATALOGUE]
    found = dict(
        db.fetchall("SELECT default_code, id FROM product_product WHERE default_code = ANY(%s)", (codes,))
    )
    template_columns = db.columns("product_template")
    constants = {key: value for key, value in PRODUCT_TEMPLATE_CONSTANTS.items() if key in template_columns}
    created = 0
    for code, name, price, cost, kind in CATALOGUE:
        default_code = f"{CATALOGUE_PREFIX}{code}"
        if default_code in found:
            continue
        values = dict(
            constants,
            name=json_text({"en_US": name}),
            type=kind,
            categ_id=ref["category"],
            uom_id=ref["uom"],
            uom_po_id=ref["uom"],
            list_price=price,
            default_code=default_code,
            create_date=now,
            write_date=now,
            create_uid=admin,
            write_uid=admin,
        )
        db.check_required("product_template", values)
        db.cr.execute(
            "INSERT INTO product_template ({}) VALUES ({}) RETURNING id".format(
                ", ".join(values), ", ".join(["%s"] * len(values))
            ),
            list(values.values()),
        )
        template = db.cr.fetchone()[0]
        db.cr.execute(
            "INSERT INTO product_product (product_tmpl_id, default_code, combination_indices, standard_price,"
            " active, create_date, write_date, create_uid, write_uid)"
            " VALUES (%s, %s, '', %s, TRUE, %s, %s, %s, %s) RETURNING id",
            (template, default_code, json_text({str(ref["company"]): float(cost)}), now, now, admin, admin),
        )
        found[default_code] = db.cr.fetchone()[0]
        if ref["tax"]:
            db.cr.execute(
                "INSERT INTO product_taxes_rel (prod_id, tax_id) VALUES (%s, %s)",
                (template, ref["tax"]["id"]),
            )
        created += 1
    if created:
        say(f"{created} products created (codes {CATALOGUE_PREFIX}NNN)")
    return [
        (
            found[f"{CATALOGUE_PREFIX}{code}"],
            copy_text(f"[{CATALOGUE_PREFIX}{code}] {name}"),
            price * 100,
            cost * 100,
            kind,
        )
        for code, name, price, cost, kind in CATALOGUE
    ]


# The partners the history is generated for: generated ones (marker), commercial (archived
# ones too), in a lifecycle stage, without any document yet (a re-run skips those done before).
HISTORY_PARTNER_FILTER = """
    p.ref ~ %(marker)s AND p.parent_id IS NULL AND p.lifecycle_stage_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM sale_order so WHERE so.partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM account_move m WHERE m.commercial_partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM mail_message mm WHERE mm.model = 'res.partner' AND mm.res_id = p.id)
"""
HISTORY_PARTNER_COLUMNS = {
    "id": "p.id",
    "index": "split_part(p.ref, '-', 2)::int",
    "stage": "s.code",
    "create_date": "p.create_date",
    "stage_date": "p.lifecycle_stage_date",
    "user": "p.user_id",
    "owner_since": "p.owner_since",
    "last_contact": "p.last_contact_date",
    "pool_state": "p.crm_pool_state",
    "pool": "p.crm_pool_id",
    "previous_owner": "p.previous_owner_id",
    "deadline": "p.ownership_deadline",
    "rule": "p.crm_release_rule",
    "rule_days": "p.crm_release_days",
    "followup": "p.next_followup_date",
    "locked": "p.crm_locked",
    "name": "p.name",
    "email": "p.email",
    "email_normalized": "p.email_normalized",
    "phone": "p.phone",
    "mobile": "p.mobile",
    "phone_sanitized": "p.phone_sanitized",
    "city": "p.city",
    "country_id": "p.country_id",
    "country_code": "c.code",
    "lang": "p.lang",
    "crm_name_key": "p.crm_name_key",
    "crm_phone_key": "p.crm_phone_key",
    "crm_mobile_key": "p.crm_mobile_key",
    "crm_email_key": "p.crm_email_key",
}


def _partner_select(db):
    columns = db.columns("res_partner")
    selected = []
    for name, expression in HISTORY_PARTNER_COLUMNS.items():
        column = expression[2:] if expression.startswith("p.") else None
        selected.append(expression if column is None or column in columns else "NULL")
        del name
    return (
        f"SELECT {', '.join(selected)} FROM res_partner p"
        " JOIN crm_lifecycle_stage s ON s.id = p.lifecycle_stage_id"
        " LEFT JOIN res_country c ON c.id = p.country_id"
    )


def history_partners(rows, ref, now, phone_state):
    """The partner dicts plan_history and history_rows read, from rows of _partner_select."""
    partners = []
    for row in rows:
        partner = dict(zip(HISTORY_PARTNER_COLUMNS, row, strict=True))
        owned = partner["pool_state"] == "owned" and partner["user"]
        partner["expired"] = bool(owned and partner["deadline"] and partner["deadline"] <= now)
        partner["schedule"] = (
            partner["deadline"],
            partner["rule"],
            partner["rule_days"],
            partner["followup"],
        )
        if partner["locked"]:
            partner["pool_state"] = "locked"  # no schedule to refresh: never released
        partner["name_text"] = copy_text(partner["name"] or "")
        partner["lead_title"] = copy_text(f"{partner['name']}'s opportunity")
        email = partner["email_normalized"]
        domain = email.rpartition("@")[2] if email else None
        criterion = (email if domain in FREE_MAIL_DOMAINS_IAP else f"@{domain}") if email else None
        partner["lead_shared"] = "\t".join(
            copy_text(value)
            for value in (
                partner["name"],
                partner["email"],
                email,
                criterion,
                "correct" if email else None,
                partner["phone"],
                partner["mobile"],
                _lead_sanitized(partner["mobile"] or partner["phone"], phone_state),
                phone_state if partner["phone"] else None,
                partner["city"],
                partner["country_id"],
                ref["langs"].get(partner["lang"]),
                partner["crm_name_key"],
                partner["crm_phone_key"],
                partner["crm_mobile_key"],
                partner["crm_email_key"],
            )
        )
        for key in (
            "deadline",
            "rule",
            "rule_days",
            "followup",
            "locked",
            "email",
            "email_normalized",
            "phone",
        ):
            partner.pop(key)
        for key in ("mobile", "phone_sanitized", "city", "country_id", "lang", "name"):
            partner.pop(key)
        for key in ("crm_name_key", "crm_phone_key", "crm_mobile_key", "crm_email_key"):
            partner.pop(key)
        partners.append(partner)
    return partners


def _lead_sanitized(number, phone_state):
    """The phone_sanitized of a lead (its mobile, else its phone): E.164 when Odoo can parse
    numbers (phonenumbers installed), else the number as it is, as crm computes it."""
    if not number:
        return None
    if phone_state and number.startswith("+"):
        return "+" + "".join(char for char in number if char.isdigit())
    return None if phone_state else number


def history_jobs(db, args, now, ref, base):
    """The jobs of the history: groups of partners (ids in order) with their budget of
    invoice lines, about HISTORY_JOB_LINES lines each. Reads the light rows of every
    partner concerned, computes the customers' Pareto weights and splits the lines."""
    marker = {"marker": MARKER_PATTERN}
    light = db.fetchall(
        "SELECT p.id, split_part(p.ref, '-', 2)::int, s.code, p.create_date, p.lifecycle_stage_date"
        "  FROM res_partner p JOIN crm_lifecycle_stage s ON s.id = p.lifecycle_stage_id"
        f" WHERE {HISTORY_PARTNER_FILTER} ORDER BY p.id",
        marker,
    )
    customers = [row for row in light if row[2] == "customer"]
    weights = [
        customer_weight(
            args.seed,
            {"index": index, "create_date": created, "stage_date": reached},
            now,
            args.history_years,
        )
        for _id_, index, _stage, created, reached in customers
    ]
    total = (
        args.invoice_lines if args.invoice_lines is not None else INVOICE_LINES_PER_CUSTOMER * len(customers)
    )
    budgets = dict(zip((row[0] for row in customers), split_by_weight(total, weights), strict=True))
    jobs = []
    current, lines = [], 0
    for row in light:
        current.append(row[0])
        lines += budgets.get(row[0], 0)
        if lines >= HISTORY_JOB_LINES or len(current) >= HISTORY_JOB_PARTNERS:
            jobs.append(current)
            current, lines = [], 0
    if current:
        jobs.append(current)
    say(
        f"history of {len(light)} partners ({len(customers)} customers,"
        f" {sum(budgets.values())} invoice lines)"
        f" over {args.history_years} years, in {len(jobs)} jobs"
    )
    return [
        dict(base, partner_ids=ids, budgets=[budgets.get(id_, 0) for id_ in ids]) for ids in jobs
    ], budgets


def _load_job(db, job, select, ref, now, phone_state):
    """The job with its partners read (in the order of its ids)."""
    rows = db.fetchall(f"{select} WHERE p.id = ANY(%s) ORDER BY p.id", (job["partner_ids"],))
    if len(rows) != len(job["partner_ids"]):
        raise SystemExit("Partners changed while the history was generated: run again.")
    return dict(job, partners=history_partners(rows, ref, now, phone_state))


def number_documents(db, ref, dated_per_job):
    """The numbers of the numbered documents of each job, in date order over all jobs:
    [{(sequence, date): [numbers]}] (sale orders take theirs from the sale.order sequence)."""
    totals = collections.Counter()
    for dated in dated_per_job:
        totals.update(dated)
    per_job = [collections.defaultdict(list) for _dated in dated_per_job]
    sequences = sorted({kind for kind, _date in totals})
    for kind in sequences:
        dates = sorted(date for key_kind, date in totals if key_kind == kind)
        count = sum(totals[(kind, date)] for date in dates)
        if kind == "order":
            source = iter(_order_numbers(db, ref, count))
        else:
            years = sorted({date.year for date in dates})
            starts = {}
            for year in years:
                prefix = ref["prefixes"][kind].format(year=year)
                journal = ref["bank_journal"] if kind == "payment" else ref["sale_journal"]
                last = db.fetchall(
                    "SELECT max(sequence_number) FROM account_move"
                    " WHERE journal_id = %s AND sequence_prefix = %s",
                    (journal, prefix),
                )[0][0]
                starts[year] = itertools.count((last or 0) + 1)
            source = None
        for date in dates:
            for position, dated in enumerate(dated_per_job):
                wanted = dated.get((kind, date), 0)
                if not wanted:
                    continue
                numbers = per_job[position][(kind, date)]
                for _number in range(wanted):
                    numbers.append(next(source) if source is not None else next(starts[date.year]))
    return [dict(numbers) for numbers in per_job]


def _order_numbers(db, ref, count):
    """``count`` numbers of the sale order sequence, taken from it."""
    if not count:
        return []
    if ref["order_sequence_kind"] == "standard":
        sequence = f"ir_sequence_{ref['order_sequence']:03d}"
        rows = db.fetchall("SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, count))
        return [row[0] for row in rows]
    db.cr.execute(
        "UPDATE ir_sequence SET number_next = number_next + %s * number_increment WHERE id = %s"
        " RETURNING number_next - %s * number_increment, number_increment",
        (count, ref["order_sequence"], count),
    )
    first, step = db.cr.fetchone()
    return [first + step * position for position in range(count)]


def generate_history(db, args, now, pool=None):
    """Leads, quotations, orders, invoices, credit notes, payments, messages and activities
    for the generated partners that have none yet (see plan_history), over
    ``args.history_years``; then the ownership schedule of the owners whose customers got
    an open opportunity or a deal, as crm_lifecycle computes it.

    Two passes over jobs of partners: the first counts the rows of each table and the
    numbered documents by date (so that ids are reserved and invoices, credit notes,
    payments and orders are numbered in date order), the second writes them; each job is
    one transaction.
    """
    company = db.xmlid("base", "main_company")
    ref = load_history_reference(db, company)
    ref["constants"] = history_constants(db, ref)
    products = ensure_catalogue(db, ref, now)
    db.commit()
    pools = load_pools(db, company)
    salespeople = [
        row[0]
        for row in db.fetchall(
            "SELECT u.id FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id AND r.gid = %s"
            " WHERE u.active AND NOT COALESCE(u.share, FALSE) AND u.id != 1 ORDER BY u.id",
            (db.xmlid("sales_team", "group_sale_salesman"),),
        )
    ]
    options = {
        "years": args.history_years,
        "lines_per_invoice": args.lines_per_invoice,
        "late_share": args.late_share,
        "credit_note_share": args.credit_note_share,
        "salespeople": salespeople,
        "terms": ref["terms"],
    }
    base = {
        "seed": args.seed,
        "now": now,
        "options": options,
        "ref": ref,
        "products": products,
        # the rules of each pool, by pool id
        "limits": {pool["id"]: pool_limits(pool["rules"]) for pool in pools},
        "exempt": {pool["id"]: pool["exempt"] for pool in pools},
    }
    try:
        import phonenumbers  # noqa: F401, PLC0415 (crm's phone quality needs it, like Odoo)

        phone_state = "correct"
    except ImportError:
        phone_state = None
    jobs, budgets = history_jobs(db, args, now, ref, base)
    if not jobs:
        return {}
    select = _partner_select(db)
    began = time.monotonic()
    # pass 1: counts
    loaded = (_load_job(db, job, select, ref, now, phone_state) for job in jobs)
    results = list(pipelined(pool, history_counts, loaded) if pool else map(history_counts, loaded))
    numbers = number_documents(db, ref, [dated for _counts, dated in results])
    db.commit()
    totals = collections.Counter()
    for counts, _dated in results:
        totals.update(counts)
    say(
        f"  planned in {time.monotonic() - began:.0f}s: "
        + ", ".join(f"{totals[t]} {t}" for t in HISTORY_TABLES)
    )
    # pass 2: rows

    def prepared():
        for job, (counts, _dated), job_numbers in zip(jobs, results, numbers, strict=True):
            job = _load_job(db, job, select, ref, now, phone_state)
            job["ids"] = {
                table: db.next_ids(table, counts[table]) if counts[table] else [] for table in HISTORY_TABLES
            }
            job["numbers"] = job_numbers
            yield job

    db.bulk_mode(args.i_know_this_is_a_copy)
    written = collections.Counter()
    timings = collections.Counter()
    writing = 0.0
    schedules = 0
    chunks = pipelined(pool, history_rows, prepared()) if pool else map(history_rows, prepared())
    for out, schedule_rows in chunks:
        clock = time.monotonic()
        write_history_rows(db, ref, out, timings)
        schedules += update_schedules(db, schedule_rows)
        db.commit()
        writing += time.monotonic() - clock
        for table in HISTORY_TABLES:
            written[table] += len(out.get(table, ()))
        elapsed = time.monotonic() - began
        say(
            f"  {written['account_move_line']}/{totals['account_move_line']} journal items,"
            f" {written['sale_order_line']} order lines (writing {writing:.0f}s of {elapsed:.0f}s)"
        )
    if any(written[table] != totals[table] for table in HISTORY_TABLES):
        raise AssertionError(f"history: written {dict(written)} != planned {dict(totals)}")
    say(f"  {schedules} ownership schedules refreshed by the new documents")
    say(
        "  COPY time by table: "
        + ", ".join(f"{table} {seconds:.1f}s" for table, seconds in timings.most_common())
    )
    return written


def history_constants(db, ref):
    """{key: {column: value}}: the constant columns of each table of the history, those the
    table has, with the values of the database (company, currency, journals...); fails
    clearly when a table has a NOT NULL column the generator does not fill."""
    values = {
        "company_id": ref["company"],
        "currency_id": ref["currency"],
        "company_currency_id": ref["currency"],
        "debit_currency_id": ref["currency"],
        "credit_currency_id": ref["currency"],
        "record_company_id": ref["company"],
        "product_uom": ref["uom"],
        "journal_id": ref["bank_journal"],
        "payment_method_line_id": ref["method_line"],
        "payment_method_id": ref["method"],
        "outstanding_account_id": ref["outstanding"],
        "destination_account_id": ref["receivable"],
        "partner_bank_id": ref["company_bank"],
    }
    constants = {}
    for table, (key, columns, table_constants) in HISTORY_COLUMNS.items():
        present = db.columns(table)
        missing = [column for column in columns if column not in present]
        if missing:
            raise SystemExit(f"{table} lacks the columns {', '.join(missing)}: an unexpected Odoo version?")
        chosen = {}
        for column, value in table_constants.items():
            if column in present:
                chosen[column] = values[column] if value is None else value
        if key == "order":
            chosen.update((column, value) for column, value in ref["order_flags"].items() if column in chosen)
        db.check_required(table, (*columns, *chosen))
        constants[key] = chosen
    return constants


def write_history_rows(db, ref, out, timings):
    """COPY the rows of one job of history_rows; ``timings`` ({table: seconds}) adds up.

    When the foreign keys are checked (see :meth:`Database.bulk_mode`), the entries of the
    payments are written without their payment, written after them, and given it at the end.
    """
    origins = []
    for table, (key, columns, _constants) in HISTORY_COLUMNS.items():
        lines = out.get(table)
        if lines:
            if table == "account_move" and not db.skip_checks:
                lines, origins = without_origin_payments(lines)
            clock = time.monotonic()
            db.copy_lines(table, (*columns, *ref["constants"][key]), lines)
            timings[table] += time.monotonic() - clock
    if origins:
        moves, payments = zip(*origins, strict=True)
        db.cr.execute(
            "UPDATE account_move m SET origin_payment_id = o.payment_id"
            "  FROM unnest(%s::int[], %s::int[]) AS o(move_id, payment_id) WHERE m.id = o.move_id",
            (list(moves), list(payments)),
        )
    for key, (table, columns) in RELATIONS.items():
        if out.get(key):
            clock = time.monotonic()
            db.copy_lines(table, columns, out[key])
            timings[table] += time.monotonic() - clock


MOVE_ID, MOVE_PAYMENT = MOVE_COLUMNS.index("id"), MOVE_COLUMNS.index("origin_payment_id")


def without_origin_payments(lines):
    """The COPY lines of account_move without their ``origin_payment_id``, and the
    [(move id, payment id)] taken out."""
    kept, origins = [], []
    for line in lines:
        cells = line.split("\t")
        if cells[MOVE_PAYMENT] != NULL:
            origins.append((int(cells[MOVE_ID]), int(cells[MOVE_PAYMENT])))
            cells[MOVE_PAYMENT] = NULL
            line = "\t".join(cells)
        kept.append(line)
    return kept, origins


def update_schedules(db, rows):
    """Write the ownership schedules of history_rows (partners whose deals or open
    opportunities changed it); returns how many."""
    if not rows:
        return 0
    db.cr.execute(
        "CREATE TEMP TABLE IF NOT EXISTS generate_schedule (id int, deadline timestamp, rule varchar,"
        " days int, followup date) ON COMMIT DELETE ROWS"
    )
    db.copy_lines(
        "generate_schedule",
        ("id", "deadline", "rule", "days", "followup"),
        ("\t".join(copy_text(value) for value in row) for row in rows),
    )
    db.cr.execute(
        "UPDATE res_partner p SET ownership_deadline = s.deadline, crm_release_rule = s.rule,"
        " crm_release_days = s.days, next_followup_date = s.followup"
        "  FROM generate_schedule s WHERE p.id = s.id"
    )
    return len(rows)
