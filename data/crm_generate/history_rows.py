"""The rows of the history: the columns of each table written (leads, orders and lines,
journal entries and items, payments, reconciliations, messages, activities) and
:func:`history_rows`, which turns a job of planned partners into COPY lines (run in the
worker); :func:`history_counts` counts them first, so that ids and numbers can be taken."""

import collections
import datetime
import math

from .database import (
    NULL,
    bool_text,
    copy_text,
    id_text,
)
from .history_plan import (
    PRICE_INFLATION,
    plan_facts,
    plan_history,
)
from .specs import schedule
from .words import (
    ACTIVITY_SUMMARIES,
    NOTE_TEXTS,
)

HISTORY_TABLES = (
    "crm_lead",
    "sale_order",
    "sale_order_line",
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
    "mail_message",
    "mail_activity",
)
# The stage of crm.lead each kind of lead of a plan goes to, and its probability.
LEAD_PROBABILITIES = {"new": 10.0, "qualified": 30.0, "potential": 40.0, "proposition": 60.0, "won": 100.0}

LEAD_COLUMNS = (
    "id",
    "name",
    "type",
    "partner_id",
    "user_id",
    "team_id",
    "stage_id",
    "probability",
    "automated_probability",
    "expected_revenue",
    "prorated_revenue",
    "active",
    "lost_reason_id",
    "date_open",
    "date_closed",
    "date_last_stage_update",
    "day_open",
    "day_close",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    # the partner's, the same for all its leads
    "partner_name",
    "email_from",
    "email_normalized",
    "email_domain_criterion",
    "email_state",
    "phone",
    "mobile",
    "phone_sanitized",
    "phone_state",
    "city",
    "country_id",
    "lang_id",
    "crm_name_key",
    "crm_phone_key",
    "crm_mobile_key",
    "crm_email_key",
)
LEAD_CONSTANTS = {
    "company_id": None,  # set from the reference data
    "priority": "0",
    "color": 0,
    "message_bounce": 0,
    "recurring_revenue": 0,
    "recurring_revenue_monthly": 0,
    "recurring_revenue_monthly_prorated": 0,
    "recurring_revenue_prorated": 0,
}
ORDER_COLUMNS = (
    "id",
    "name",
    "state",
    "date_order",
    "validity_date",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "user_id",
    "team_id",
    "payment_term_id",
    "invoice_status",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "margin",
    "margin_percent",
    "opportunity_id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
ORDER_CONSTANTS = {
    "company_id": None,
    "currency_id": None,
    "currency_rate": 1.0,
    "locked": False,
    "require_signature": True,
    "require_payment": True,
    "prepayment_percent": 1.0,
}
ORDER_LINE_COLUMNS = (
    "id",
    "order_id",
    "sequence",
    "order_partner_id",
    "salesman_id",
    "product_id",
    "name",
    "state",
    "invoice_status",
    "product_uom_qty",
    "price_unit",
    "technical_price_unit",
    "discount",
    "price_subtotal",
    "price_tax",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "qty_delivered",
    "qty_invoiced",
    "qty_to_invoice",
    "untaxed_amount_invoiced",
    "untaxed_amount_to_invoice",
    "purchase_price",
    "margin",
    "margin_percent",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
ORDER_LINE_CONSTANTS = {
    "company_id": None,
    "currency_id": None,
    "product_uom": None,
    "qty_delivered_method": "manual",
    "customer_lead": 0,
    "product_packaging_qty": 0,
    "is_downpayment": False,
    "is_expense": False,
}
MOVE_COLUMNS = (
    "id",
    "journal_id",
    "name",
    "sequence_prefix",
    "sequence_number",
    "move_type",
    "date",
    "invoice_date",
    "invoice_date_due",
    "invoice_payment_term_id",
    "partner_id",
    "commercial_partner_id",
    "partner_shipping_id",
    "partner_bank_id",
    "invoice_user_id",
    "team_id",
    "ref",
    "payment_reference",
    "payment_state",
    "invoice_partner_display_name",
    "invoice_origin",
    "reversed_entry_id",
    "origin_payment_id",
    "invoice_currency_rate",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "always_tax_exigible",
    "quick_edit_total_amount",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
MOVE_CONSTANTS = {
    "company_id": None,
    "currency_id": None,
    "state": "posted",
    "auto_post": "no",
    "is_storno": False,
    "checked": True,
    "posted_before": True,
    "made_sequence_gap": False,
    "is_manually_modified": False,
    "is_move_sent": False,
}
# per line; the columns of its move follow (MOVE_LINE_SHARED_COLUMNS)
MOVE_LINE_COLUMNS = (
    "id",
    "move_id",
    "sequence",
    "account_id",
    "display_type",
    "name",
    "product_id",
    "product_uom_id",
    "quantity",
    "price_unit",
    "discount",
    "price_subtotal",
    "price_total",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "reconciled",
    "tax_line_id",
    "tax_group_id",
    "tax_repartition_line_id",
    "tax_base_amount",
    "tax_tag_invert",
    "date_maturity",
    "matching_number",
    "full_reconcile_id",
    "payment_id",
)
MOVE_LINE_SHARED_COLUMNS = (
    "journal_id",
    "partner_id",
    "move_name",
    "ref",
    "date",
    "invoice_date",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
MOVE_LINE_CONSTANTS = {
    "company_id": None,
    "company_currency_id": None,
    "currency_id": None,
    "parent_state": "posted",
    "discount_amount_currency": 0,
    "discount_balance": 0,
    "is_downpayment": False,
}
PAYMENT_COLUMNS = (
    "id",
    "move_id",
    "partner_id",
    "name",
    "state",
    "date",
    "amount",
    "amount_company_currency_signed",
    "memo",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
PAYMENT_CONSTANTS = {
    "journal_id": None,
    "company_id": None,
    "currency_id": None,
    "payment_method_line_id": None,
    "payment_method_id": None,
    "outstanding_account_id": None,
    "destination_account_id": None,
    "partner_bank_id": None,
    "payment_type": "inbound",
    "partner_type": "customer",
    "is_reconciled": True,
    "is_matched": False,
    "is_sent": False,
}
PARTIAL_COLUMNS = (
    "id",
    "debit_move_id",
    "credit_move_id",
    "full_reconcile_id",
    "amount",
    "debit_amount_currency",
    "credit_amount_currency",
    "max_date",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
PARTIAL_CONSTANTS = {"company_id": None, "debit_currency_id": None, "credit_currency_id": None}
FULL_COLUMNS = ("id", "create_date", "write_date", "create_uid", "write_uid")
MESSAGE_COLUMNS = (
    "id",
    "res_id",
    "record_name",
    "message_type",
    "subtype_id",
    "mail_activity_type_id",
    "author_id",
    "email_from",
    "reply_to",
    "message_id",
    "body",
    "date",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
MESSAGE_CONSTANTS = {"model": "res.partner", "record_company_id": None, "email_add_signature": True}
ACTIVITY_COLUMNS = (
    "id",
    "res_model_id",
    "res_model",
    "res_id",
    "res_name",
    "activity_type_id",
    "user_id",
    "summary",
    "date_deadline",
    "user_tz",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
ACTIVITY_CONSTANTS = {"automated": False, "active": True}
# rows of the many2many tables: (table, columns)
RELATIONS = {
    "order_line_tax": ("account_tax_sale_order_line_rel", ("sale_order_line_id", "account_tax_id")),
    "move_line_tax": ("account_move_line_account_tax_rel", ("account_move_line_id", "account_tax_id")),
    "order_line_invoice": ("sale_order_line_invoice_rel", ("invoice_line_id", "order_line_id")),
    "payment_invoice": ("account_move__account_payment", ("invoice_id", "payment_id")),
}
ANALYZED_HISTORY_TABLES = (*HISTORY_TABLES, *(table for table, _columns in RELATIONS.values()))


def money(cents):
    """Cents as the decimal text of a COPY row."""
    if cents < 0:
        return f"-{-cents // 100}.{-cents % 100:02d}"
    return f"{cents // 100}.{cents % 100:02d}"


def tax_of(cents, rate):
    """The tax of an amount, rounded half up to the cent (``rate``: millionths, 15% = 150000)."""
    if cents < 0:
        return -tax_of(-cents, rate)
    return (cents * rate + 500_000) // 1_000_000


def _constants_text(constants):
    return "".join("\t" + copy_text(value) for value in constants.values())


def _plan_counts(plan, has_tax):
    """{table: rows} a plan writes, and {(sequence, date): documents} of its numbered documents."""
    counts = collections.Counter()
    dated = collections.Counter()
    counts["crm_lead"] = len(plan["leads"])
    counts["sale_order"] = len(plan["orders"])
    for order in plan["orders"]:
        counts["sale_order_line"] += order["lines"]
        dated[("order", order["date"].date())] += 1
    tax_lines = 1 if has_tax else 0
    for invoice in plan["invoices"]:
        lines = plan["orders"][invoice["order"]]["lines"]
        counts["account_move"] += 1
        counts["account_move_line"] += lines + tax_lines + 1
        counts["order_line_invoice"] += lines
        counts["move_line_tax"] += lines if has_tax else 0
        dated[("invoice", invoice["date"])] += 1
        credit = invoice["credit"]
        settled = False
        if credit:
            credit_lines = lines if credit["full"] else 1
            counts["account_move"] += 1
            counts["account_move_line"] += credit_lines + tax_lines + 1
            counts["move_line_tax"] += credit_lines if has_tax else 0
            counts["account_partial_reconcile"] += 1
            dated[("refund", credit["date"])] += 1
            settled = credit["full"]
        for date, share_ in invoice["payments"]:
            counts["account_payment"] += 1
            counts["account_move"] += 1
            counts["account_move_line"] += 2
            counts["account_partial_reconcile"] += 1
            counts["payment_invoice"] += 1
            dated[("payment", date)] += 1
            settled = settled or share_ is None
        counts["account_full_reconcile"] += settled
    counts["mail_message"] = len(plan["messages"])
    counts["mail_activity"] = len(plan["activities"])
    counts["order_line_tax"] = counts["sale_order_line"] if has_tax else 0
    return counts, dated


def history_counts(job):
    """Pass 1 of a job (in a worker): the rows it will write per table, and how many
    documents of each numbered sequence it dates each day (to number them by date)."""
    counts = collections.Counter()
    dated = collections.Counter()
    has_tax = job["ref"]["tax"] is not None
    for partner, budget in zip(job["partners"], job["budgets"], strict=True):
        plan = plan_history(partner, budget, job["seed"], job["now"], job["options"])
        plan_counts, plan_dated = _plan_counts(plan, has_tax)
        counts.update(plan_counts)
        dated.update(plan_dated)
    return counts, dated


class _Ids:
    """The ids reserved for a job, handed out table by table in the order of pass 1."""

    def __init__(self, ids):
        self.iterators = {table: iter(values) for table, values in ids.items()}

    def __call__(self, table):
        return next(self.iterators[table])


class _Numbers:
    """The numbers reserved for the documents of a job, by sequence and date."""

    def __init__(self, numbers):
        self.iterators = {key: iter(values) for key, values in numbers.items()}

    def __call__(self, sequence, date):
        return next(self.iterators[(sequence, date)])


def _line_amounts(quantity, price, discount, rate):
    """(subtotal, tax) in cents of ``quantity`` x ``price`` (cents) less ``discount`` %."""
    subtotal = quantity * price * (100 - discount) // 100
    return subtotal, tax_of(subtotal, rate) if rate else 0


def _draw_lines(plan_rng, count, products, favourites, size, years_ago):
    """``count`` order lines: (product, quantity, unit price, discount, unit cost), prices in
    cents of that time (cheaper years ago)."""
    lines = []
    factor = 1.0 - PRICE_INFLATION * years_ago
    for _position in range(count):
        if favourites and plan_rng.random() < 0.8:
            product = products[plan_rng.choice(favourites)]
        else:
            product = products[min(int(plan_rng.paretovariate(1.2)) - 1, len(products) - 1)]
        _id, _name, price, cost, _type = product
        mean = max(1.0, 600.0 / max(price / 100.0, 1.0)) * (1.0 + math.log(size))
        quantity = max(1, min(int(plan_rng.lognormvariate(math.log(mean), 0.7)), 999))
        discount = plan_rng.choice((0, 0, 0, 5, 10)) if size < 5 else plan_rng.choice((0, 5, 10, 15))
        unit = max(100, int(price * factor) // 100 * 100)
        unit_cost = max(1, int(cost * factor))
        lines.append((product, quantity, unit, discount, unit_cost))
    return lines


def history_rows(job):
    """Pass 2 of a job (in a worker): the COPY lines of every table, and the partners whose
    ownership schedule the new documents change.

    :return: ``({table or relation: [COPY line]}, [(partner id, deadline, rule, days,
        follow-up)])``
    """
    ids = _Ids(job["ids"])
    numbers = _Numbers(job["numbers"])
    now = job["now"]
    out = collections.defaultdict(list)
    schedules = []
    writer = _HistoryWriter(job, ids, numbers, out)
    for partner, budget in zip(job["partners"], job["budgets"], strict=True):
        plan = plan_history(partner, budget, job["seed"], now, job["options"])
        writer.write(partner, plan, budget)
        if partner["pool_state"] == "owned" and partner["user"]:
            since = partner["owner_since"] or partner["create_date"]
            spec = {
                "pool_state": "owned",
                "stage": partner["stage"],
                "owner_since": partner["owner_since"],
                "create_date": partner["create_date"],
                "last_contact_date": partner["last_contact"],
            }
            limits = job["limits"].get(partner["pool"]) or {}
            if partner["stage"] in limits:
                new = schedule(spec, limits, plan_facts(plan, since), job["exempt"][partner["pool"]])
                if new != partner["schedule"]:
                    schedules.append((partner["id"], *new))
    for table, iterator in ids.iterators.items():
        if next(iterator, None) is not None:
            raise AssertionError(f"history: ids of {table} left over, pass 1 and 2 disagree")
    return dict(out), schedules


class _HistoryWriter:
    """Turns the plans of a job into COPY lines (see history_rows)."""

    def __init__(self, job, ids, numbers, out):
        self.job = job
        self.ref = ref = job["ref"]
        self.ids = ids
        self.numbers = numbers
        self.out = out
        self.now = job["now"]
        self.products = job["products"]
        self.rate = ref["tax"]["rate"] if ref["tax"] else 0
        self.users = ref["users"]
        self.teams = ref["teams"]
        self.in_payment = ref["in_payment_state"]
        self.constants = {key: _constants_text(values) for key, values in ref["constants"].items()}
        self.message_number = 0

    # -- helpers -----------------------------------------------------------------

    def user_team(self, user):
        return self.teams.get(user)

    def sequence_name(self, kind, date):
        number = self.numbers(kind, date)
        ref = self.ref
        if kind == "order":
            prefix = ref["order_prefix"].format(
                year=str(date.year),
                y=f"{date.year % 100:02d}",
                month=f"{date.month:02d}",
                day=f"{date.day:02d}",
            )
            return prefix + str(number).zfill(ref["order_padding"]), None, None
        prefix = ref["prefixes"][kind].format(year=date.year)
        return f"{prefix}{number:05d}", prefix, number

    # -- one partner ------------------------------------------------------------------

    def write(self, partner, plan, budget):
        rng = plan["rng"]
        size = max(1.0, budget / 40.0)
        favourites = rng.sample(range(len(self.products)), min(len(self.products), rng.randint(4, 12)))
        order_totals, order_lines = self.write_orders(partner, plan, rng, favourites, size)
        lead_ids = self.write_leads(partner, plan, order_totals, rng)
        self.link_orders_to_leads(plan, lead_ids)
        for invoice in plan["invoices"]:
            self.write_invoice(partner, plan, invoice, order_lines, rng)
        self.write_messages(partner, plan, rng)
        self.write_activities(partner, plan, lead_ids, rng)

    def write_orders(self, partner, plan, rng, favourites, size):
        """The quotations and orders of the partner, with their lines."""
        order_totals, order_lines = [], []
        rows = self.out
        rate = self.rate
        partner_id = partner["id"]
        for order in plan["orders"]:
            order_id = self.ids("sale_order")
            date = order["date"]
            years_ago = (self.now - date).days / 365.0
            lines = _draw_lines(rng, order["lines"], self.products, favourites, size, years_ago)
            state = order["state"]
            invoiced = order["invoice"] is not None
            user = order["user"]
            untaxed = tax = cost_total = 0
            drawn = []
            for sequence, (product, quantity, unit, discount, unit_cost) in enumerate(lines, start=10):
                line_id = self.ids("sale_order_line")
                subtotal, line_tax = _line_amounts(quantity, unit, discount, rate)
                cost = unit_cost * quantity
                margin = subtotal - cost
                untaxed += subtotal
                tax += line_tax
                cost_total += cost
                line_status = "invoiced" if invoiced else ("to invoice" if state == "sale" else "no")
                qty_invoiced = quantity if invoiced else 0
                to_invoice = quantity if state == "sale" and not invoiced else 0
                reduce_excl = money((2 * subtotal + quantity) // (2 * quantity))  # rounded half up
                reduce_incl = money((2 * (subtotal + line_tax) + quantity) // (2 * quantity))
                rows["sale_order_line"].append(
                    f"{line_id}\t{order_id}\t{sequence}\t{partner_id}\t{id_text(user)}\t{product[0]}\t{product[1]}"
                    f"\t{state}\t{line_status}\t{quantity}\t{money(unit)}\t{unit / 100.0}\t{discount}"
                    f"\t{money(subtotal)}\t{line_tax / 100.0}\t{money(subtotal + line_tax)}"
                    f"\t{reduce_excl}\t{reduce_incl}\t{quantity if invoiced else 0}\t{qty_invoiced}"
                    f"\t{to_invoice}\t{money(subtotal if invoiced else 0)}"
                    f"\t{money(subtotal if to_invoice else 0)}\t{money(unit_cost)}\t{money(margin)}"
                    f"\t{margin / subtotal if subtotal else 0.0}\t{date}\t{date}"
                    f"\t{id_text(user)}\t{id_text(user)}" + self.constants["order_line"]
                )
                if rate:
                    rows["order_line_tax"].append(f"{line_id}\t{self.ref['tax']['id']}")
                drawn.append((line_id, product, quantity, unit, discount, subtotal, line_tax))
            name, _prefix, _number = self.sequence_name("order", date.date())
            order_status = "invoiced" if invoiced else ("to invoice" if state == "sale" else "no")
            margin = untaxed - cost_total
            validity = date.date() + datetime.timedelta(days=self.ref["validity_days"])
            invoice = plan["invoices"][order["invoice"]] if invoiced else None
            term = invoice["term"] if invoice else None
            order["row"] = (
                f"{order_id}\t{name}\t{state}\t{date}\t{validity}\t{partner_id}\t{partner_id}\t{partner_id}"
                f"\t{id_text(user)}\t{id_text(self.user_team(user))}\t{id_text(term)}\t{order_status}\t{money(untaxed)}"
                f"\t{money(tax)}\t{money(untaxed + tax)}\t{money(margin)}"
                f"\t{margin / untaxed if untaxed else 0.0}"
            )
            order["name"] = name
            order["tail"] = f"\t{date}\t{date}\t{id_text(user)}\t{id_text(user)}" + self.constants["order"]
            order_totals.append(untaxed)
            order_lines.append(drawn)
        return order_totals, order_lines

    def write_leads(self, partner, plan, order_totals, rng):
        """The leads and opportunities of the partner."""
        ref = self.ref
        lead_ids = []
        shared = partner["lead_shared"]
        for lead in plan["leads"]:
            lead_id = self.ids("crm_lead")
            lead_ids.append(lead_id)
            stage = ref["lead_stages"][lead["stage"]]
            state = lead["state"]
            if state == "won":
                probability = 100.0
            elif state == "lost":
                probability = 0.0
            else:
                probability = LEAD_PROBABILITIES[lead["stage"]]
            revenue = 0
            if lead["order"] is not None:
                revenue = order_totals[lead["order"]] // 100
            elif lead["type"] == "opportunity":
                revenue = rng.randint(5, 200) * 100
            prorated = round(revenue * probability / 100.0, 2)
            user = lead["user"]
            create = lead["create"]
            closed = lead["closed"]
            reason = None
            if state == "lost":
                reasons = ref["lost_reasons"][lead["reason"]] or ref["lost_reasons"]["normal"]
                reason = reasons[rng.randrange(len(reasons))] if reasons else None
            title = partner["name_text"] if lead["type"] == "lead" else partner["lead_title"]
            day_close = abs((closed - create).days) if closed else None
            self.out["crm_lead"].append(
                f"{lead_id}\t{title}\t{lead['type']}\t{partner['id']}"
                f"\t{id_text(user)}\t{id_text(self.user_team(user))}\t{stage}\t{probability}\t{probability}"
                f"\t{revenue}\t{prorated}\t{bool_text(state != 'lost')}"
                f"\t{id_text(reason)}\t{create if user else NULL}\t{copy_text(closed)}\t{closed or create}"
                f"\t{0 if user else NULL}\t{copy_text(day_close)}\t{create}\t{closed or create}"
                f"\t{id_text(user)}\t{id_text(user)}\t{shared}" + self.constants["lead"]
            )
        return lead_ids

    def link_orders_to_leads(self, plan, lead_ids):
        rows = self.out["sale_order"]
        for order in plan["orders"]:
            lead = lead_ids[order["lead"]] if order["lead"] is not None else None
            rows.append(f"{order['row']}\t{id_text(lead)}{order['tail']}")

    def write_invoice(self, partner, plan, invoice, order_lines, rng):
        """A posted invoice of an order, its credit note and payments, reconciled with it."""
        ref = self.ref
        order = plan["orders"][invoice["order"]]
        lines = order_lines[invoice["order"]]
        user = order["user"]
        team = self.user_team(user)
        partner_id = partner["id"]
        date = invoice["date"]
        stamp = datetime.datetime.combine(date, datetime.time(9, 0)) + datetime.timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        move_id = self.ids("account_move")
        name, prefix, number = self.sequence_name("invoice", date)
        untaxed = sum(line[5] for line in lines)
        tax = sum(line[6] for line in lines)
        total = untaxed + tax
        # what settles it: the credit note first, then the payments
        credit = invoice["credit"]
        credit_lines = []
        if credit and credit["full"]:
            credit_lines = [line[1:] for line in lines]
        elif credit:
            _line_id, product, _quantity, unit, _discount, _subtotal, _tax = lines[credit["line"]]
            price = max(100, int(unit * credit["fraction"]) // 100 * 100)
            credit_lines = [(product, 1, price, 0, *_line_amounts(1, price, 0, self.rate))]
        credit_total = sum(line[4] + line[5] for line in credit_lines)
        left = total - credit_total
        payments = []
        for pay_date, share_ in invoice["payments"]:
            paid = sum(amount for _date, amount in payments)
            payments.append((pay_date, left - paid if share_ is None else max(1, int(left * share_))))
        residual = left - sum(amount for _date, amount in payments)
        settled = residual == 0
        if credit and credit["full"]:
            payment_state = "reversed"
        elif settled:
            payment_state = self.in_payment if payments else "paid"
        elif credit or payments:
            payment_state = "partial"
        else:
            payment_state = "not_paid"
        full_id = self.ids("account_full_reconcile") if settled else None
        partial_ids = [
            self.ids("account_partial_reconcile") for _partial in range(bool(credit) + len(payments))
        ]
        if full_id:
            matching = str(full_id)
        else:
            matching = f"P{partial_ids[0]}" if partial_ids else None
        line_ids = [self.ids("account_move_line") for _position in range(len(lines) + bool(self.rate) + 1)]
        receivable_id = line_ids[-1]
        partials = []  # (credit line id, amount, date)
        if credit:
            receivable, credit_total = self.write_credit_note(
                partner, order, credit, name, move_id, credit_lines, user, team, full_id, matching
            )
            partials.append((receivable, credit_total, credit["date"]))
        for pay_date, amount in payments:
            counterpart = self.write_payment(
                partner, name, move_id, pay_date, amount, user, full_id, matching
            )
            partials.append((counterpart, amount, pay_date))
        for partial_id, (credit_line, amount, partial_date) in zip(partial_ids, partials, strict=True):
            self.out["account_partial_reconcile"].append(
                f"{partial_id}\t{receivable_id}\t{credit_line}\t{id_text(full_id)}\t{money(amount)}"
                f"\t{money(amount)}\t{money(amount)}\t{max(partial_date, date)}\t{stamp}\t{stamp}"
                f"\t{id_text(user)}\t{id_text(user)}" + self.constants["partial"]
            )
        if full_id:
            self.out["account_full_reconcile"].append(
                f"{full_id}\t{stamp}\t{stamp}\t{id_text(user)}\t{id_text(user)}"
            )
        # the invoice and its lines
        due = invoice["due"]
        self.out["account_move"].append(
            f"{move_id}\t{ref['sale_journal']}\t{name}\t{prefix}\t{number}\tout_invoice\t{date}\t{date}\t{due}"
            f"\t{id_text(invoice['term'])}\t{partner_id}\t{partner_id}\t{partner_id}\t{id_text(ref['company_bank'])}"
            f"\t{id_text(user)}\t{id_text(team)}\t\t{name}\t{payment_state}\t{partner['name_text']}\t{order['name']}"
            f"\t{NULL}\t{NULL}\t1.0\t{money(untaxed)}\t{money(tax)}\t{money(total)}\t{money(residual)}"
            f"\t{money(untaxed)}\t{money(untaxed)}\t{money(tax)}\t{money(total)}\t{money(total)}"
            f"\t{money(residual)}\tf\t{NULL}\t{stamp}\t{stamp}\t{id_text(user)}\t{id_text(user)}"
            + self.constants["move"]
        )
        shared = self.line_shared(ref["sale_journal"], partner_id, name, "", date, date, stamp, user)
        rows = self.out["account_move_line"]
        taxed = bool_text(bool(self.rate))
        for position, (order_line, product, quantity, unit, discount, subtotal, line_tax) in enumerate(lines):
            line_id = line_ids[position]
            rows.append(
                self.product_line_row(
                    line_id, move_id, position, product, quantity, unit, discount, subtotal, line_tax
                )
                + f"\t0\t{money(subtotal)}\t{money(-subtotal)}\t{money(-subtotal)}"
                + self.line_tail(taxed, shared)
            )
            self.out["order_line_invoice"].append(f"{line_id}\t{order_line}")
            if self.rate:
                self.out["move_line_tax"].append(f"{line_id}\t{ref['tax']['id']}")
        if self.rate:
            rows.append(
                self.tax_line_row(line_ids[len(lines)], move_id, -tax, untaxed, "invoice_line", shared)
            )
        rows.append(
            f"{receivable_id}\t{move_id}\t12000\t{ref['receivable']}\tpayment_term\t{name}\t{NULL}\t{NULL}"
            f"\t0\t0\t0\t0\t0\t{money(total)}\t0\t{money(total)}\t{money(total)}\t{money(residual)}"
            f"\t{money(residual)}\t{bool_text(settled)}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\tf\t{due}"
            f"\t{copy_text(matching)}\t{id_text(full_id)}\t{NULL}" + shared
        )

    def line_shared(self, journal, partner_id, name, move_ref, date, invoice_date, stamp, user):
        """The last columns of every journal item of a move: those of the move it belongs to."""
        return (
            f"\t{journal}\t{partner_id}\t{name}\t{move_ref}\t{date}\t{invoice_date}\t{stamp}\t{stamp}"
            f"\t{id_text(user)}\t{id_text(user)}" + self.constants["move_line"]
        )

    def product_line_row(
        self, line_id, move_id, position, product, quantity, unit, discount, subtotal, line_tax
    ):
        """The first columns of the journal item of a product line, up to its debit (excluded)."""
        ref = self.ref
        return (
            f"{line_id}\t{move_id}\t{position}\t{ref['income']}\tproduct\t{product[1]}\t{product[0]}"
            f"\t{ref['uom']}\t{quantity}\t{money(unit)}\t{discount}\t{money(subtotal)}"
            f"\t{money(subtotal + line_tax)}"
        )

    def tax_line_row(self, line_id, move_id, balance, untaxed, repartition, shared):
        """The journal item of the tax of an invoice (``balance`` negative, a credit) or of a
        credit note (positive, a debit); ``repartition``: the key of its repartition line."""
        tax_ref = self.ref["tax"]
        debit, credit = (money(balance), 0) if repartition == "refund_line" else (0, money(-balance))
        return (
            f"{line_id}\t{move_id}\t10000\t{tax_ref['account']}\ttax\t{tax_ref['name']}\t{NULL}"
            f"\t{NULL}\t0\t0\t0\t0\t0\t{debit}\t{credit}\t{money(balance)}\t{money(balance)}\t0\t0\tf"
            f"\t{tax_ref['id']}\t{tax_ref['group']}\t{tax_ref[repartition]}\t{money(untaxed)}"
            f"\t{bool_text(repartition == 'invoice_line')}\t{NULL}\t{NULL}\t{NULL}\t{NULL}" + shared
        )

    @staticmethod
    def line_tail(invert, shared):
        """The last columns of the journal item of a product line, after its amount in currency."""
        return f"\t0\t0\tf\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{invert}\t{NULL}\t{NULL}\t{NULL}\t{NULL}" + shared

    def write_credit_note(
        self, partner, order, credit, invoice_name, invoice_id, lines, user, team, full_id, matching
    ):
        """A posted credit note of ``lines`` reversing (part of) the invoice, fully reconciled
        with it. Returns its receivable line id and total."""
        ref = self.ref
        move_id = self.ids("account_move")
        date = credit["date"]
        name, prefix, number = self.sequence_name("refund", date)
        untaxed = sum(line[4] for line in lines)
        tax = sum(line[5] for line in lines)
        total = untaxed + tax
        reason = "Cancelled order" if credit["full"] else "Price reduction"
        move_ref = copy_text(f"Reversal of: {invoice_name}, {reason}")
        stamp = datetime.datetime.combine(date, datetime.time(10, 0))
        partner_id = partner["id"]
        self.out["account_move"].append(
            f"{move_id}\t{ref['sale_journal']}\t{name}\t{prefix}\t{number}\tout_refund\t{date}\t{date}\t{date}"
            f"\t{NULL}\t{partner_id}\t{partner_id}\t{partner_id}\t{NULL}\t{id_text(user)}\t{id_text(team)}\t{move_ref}"
            f"\t{NULL}\tpaid\t{partner['name_text']}\t{order['name']}\t{invoice_id}\t{NULL}\t1.0"
            f"\t{money(untaxed)}\t{money(tax)}\t{money(total)}\t0\t{money(-untaxed)}\t{money(-untaxed)}"
            f"\t{money(-tax)}\t{money(-total)}\t{money(-total)}\t0\tf\t0\t{stamp}\t{stamp}\t{id_text(user)}"
            f"\t{id_text(user)}" + self.constants["move"]
        )
        shared = self.line_shared(ref["sale_journal"], partner_id, name, move_ref, date, date, stamp, user)
        rows = self.out["account_move_line"]
        for position, (product, quantity, unit, discount, subtotal, line_tax) in enumerate(lines):
            line_id = self.ids("account_move_line")
            rows.append(
                self.product_line_row(
                    line_id, move_id, position, product, quantity, unit, discount, subtotal, line_tax
                )
                + f"\t{money(subtotal)}\t0\t{money(subtotal)}\t{money(subtotal)}"
                + self.line_tail("f", shared)
            )
            if self.rate:
                self.out["move_line_tax"].append(f"{line_id}\t{ref['tax']['id']}")
        if self.rate:
            rows.append(
                self.tax_line_row(self.ids("account_move_line"), move_id, tax, untaxed, "refund_line", shared)
            )
        receivable = self.ids("account_move_line")
        rows.append(
            f"{receivable}\t{move_id}\t12000\t{ref['receivable']}\tpayment_term\t{NULL}\t{NULL}\t{NULL}"
            f"\t0\t0\t0\t0\t0\t0\t{money(total)}\t{money(-total)}\t{money(-total)}\t0\t0\tt\t{NULL}\t{NULL}"
            f"\t{NULL}\t{NULL}\tf\t{date}\t{copy_text(matching)}\t{id_text(full_id)}\t{NULL}" + shared
        )
        return receivable, total

    def write_payment(self, partner, invoice_name, invoice_id, date, amount, user, full_id, matching):
        """A customer payment of ``amount`` for the invoice: its journal entry (liquidity line
        on the outstanding receipts account, counterpart on the receivable)."""
        ref = self.ref
        payment_id = self.ids("account_payment")
        move_id = self.ids("account_move")
        name, prefix, number = self.sequence_name("payment", date)
        partner_id = partner["id"]
        stamp = datetime.datetime.combine(date, datetime.time(11, 0))
        self.out["account_payment"].append(
            f"{payment_id}\t{move_id}\t{partner_id}\t{name}\t{'paid' if full_id else 'in_process'}\t{date}"
            f"\t{money(amount)}\t{money(amount)}\t{invoice_name}\t{stamp}\t{stamp}\t{id_text(user)}\t{id_text(user)}"
            + self.constants["payment"]
        )
        self.out["payment_invoice"].append(f"{invoice_id}\t{payment_id}")
        self.out["account_move"].append(
            f"{move_id}\t{ref['bank_journal']}\t{name}\t{prefix}\t{number}\tentry\t{date}\t{NULL}\t{date}"
            f"\t{NULL}\t{partner_id}\t{partner_id}\t{NULL}\t{id_text(ref['company_bank'])}\t{NULL}\t{NULL}"
            f"\t{invoice_name}\t{NULL}\tnot_paid\t{partner['name_text']}\t{NULL}\t{NULL}\t{payment_id}\t0.0"
            f"\t0\t0\t{money(amount)}\t0\t0\t0\t0\t{money(amount)}\t{money(amount)}\t0\tt\t{NULL}"
            f"\t{stamp}\t{stamp}\t{id_text(user)}\t{id_text(user)}" + self.constants["move"]
        )
        shared = self.line_shared(
            ref["bank_journal"], partner_id, name, invoice_name, date, NULL, stamp, user
        )
        label = copy_text(f"{ref['method_name']}: {invoice_name}")
        rows = self.out["account_move_line"]
        liquidity = self.ids("account_move_line")
        counterpart = self.ids("account_move_line")
        rows.append(
            f"{liquidity}\t{move_id}\t100\t{ref['outstanding']}\tproduct\t{label}\t{NULL}\t{NULL}\t1\t0\t0"
            f"\t{money(amount)}\t{money(amount)}\t{money(amount)}\t0\t{money(amount)}\t{money(amount)}"
            f"\t{money(amount)}\t{money(amount)}\tf\t{NULL}\t{NULL}\t{NULL}\t{NULL}\tf\t{date}\t{NULL}"
            f"\t{NULL}\t{payment_id}" + shared
        )
        rows.append(
            f"{counterpart}\t{move_id}\t100\t{ref['receivable']}\tproduct\t{label}\t{NULL}\t{NULL}\t1\t0\t0"
            f"\t{money(-amount)}\t{money(-amount)}\t0\t{money(amount)}\t{money(-amount)}\t{money(-amount)}"
            f"\t0\t0\tt\t{NULL}\t{NULL}\t{NULL}\t{NULL}\tf\t{date}\t{copy_text(matching)}\t{id_text(full_id)}"
            f"\t{payment_id}" + shared
        )
        return counterpart

    def write_messages(self, partner, plan, rng):
        """Notes and activities done on the partner by its owner, its contacts."""
        ref = self.ref
        for date, author, kind in plan["messages"]:
            message_id = self.ids("mail_message")
            user = self.users.get(author)
            if not user:
                continue
            author_partner, email_from = user
            if kind:
                body = copy_text(
                    f"<div><p>{ACTIVITY_SUMMARIES[kind][rng.randrange(3)]}</p>"
                    f"<p>{NOTE_TEXTS[rng.randrange(len(NOTE_TEXTS))]}</p></div>"
                )
                message_type, subtype, activity_type = (
                    "notification",
                    ref["subtypes"]["activity"],
                    ref["activity_types"][kind],
                )
            else:
                body = copy_text(f"<p>{NOTE_TEXTS[rng.randrange(len(NOTE_TEXTS))]}</p>")
                message_type, subtype, activity_type = "comment", ref["subtypes"]["note"], None
            self.message_number += 1
            tracking = (
                f"<generate.{self.job['seed']}.{message_id}-openerp-{partner['id']}-res.partner@crm-generate>"
            )
            self.out["mail_message"].append(
                f"{message_id}\t{partner['id']}\t{partner['name_text']}\t{message_type}\t{id_text(subtype)}"
                f"\t{id_text(activity_type)}\t{author_partner}\t{email_from}\t{email_from}\t{tracking}\t{body}"
                f"\t{date}\t{date}\t{date}\t{author}\t{author}" + self.constants["message"]
            )

    def write_activities(self, partner, plan, lead_ids, rng):
        """Planned activities of the owner on the partner and its open opportunities."""
        ref = self.ref
        for model, lead_position, kind, deadline in plan["activities"]:
            activity_id = self.ids("mail_activity")
            user = partner["user"] if model == "res.partner" else plan["leads"][lead_position]["user"]
            res_id = partner["id"] if model == "res.partner" else lead_ids[lead_position]
            name = partner["name_text"] if model == "res.partner" else partner["lead_title"]
            summary = copy_text(ACTIVITY_SUMMARIES[kind][rng.randrange(3)])
            created = min(
                self.now,
                datetime.datetime.combine(deadline, datetime.time(8, 0)) - datetime.timedelta(days=7),
            )
            self.out["mail_activity"].append(
                f"{activity_id}\t{ref['models'][model]}\t{model}\t{res_id}\t{name}\t{ref['activity_types'][kind]}"
                f"\t{user}\t{summary}\t{deadline}\t{copy_text(ref['user_tz'].get(user))}\t{created}\t{created}"
                f"\t{user}\t{user}" + self.constants["activity"]
            )


# table -> (key of its constants in ref["constants"], its columns, its constants), in the
# order of their foreign keys but one: a payment's entry names its payment (origin_payment_id)
HISTORY_COLUMNS = {
    "crm_lead": ("lead", LEAD_COLUMNS, LEAD_CONSTANTS),
    "sale_order": ("order", ORDER_COLUMNS, ORDER_CONSTANTS),
    "sale_order_line": ("order_line", ORDER_LINE_COLUMNS, ORDER_LINE_CONSTANTS),
    "account_move": ("move", MOVE_COLUMNS, MOVE_CONSTANTS),
    "account_payment": ("payment", PAYMENT_COLUMNS, PAYMENT_CONSTANTS),
    "account_full_reconcile": ("full", FULL_COLUMNS, {}),
    "account_move_line": ("move_line", (*MOVE_LINE_COLUMNS, *MOVE_LINE_SHARED_COLUMNS), MOVE_LINE_CONSTANTS),
    "account_partial_reconcile": ("partial", PARTIAL_COLUMNS, PARTIAL_CONSTANTS),
    "mail_message": ("message", MESSAGE_COLUMNS, MESSAGE_CONSTANTS),
    "mail_activity": ("activity", ACTIVITY_COLUMNS, ACTIVITY_CONSTANTS),
}
