"""The history of a partner, planned without database: leads and opportunities, quotations,
orders, invoices, credit notes, payments, contact messages and activities
(:func:`plan_history`), over the seasons, with customers sized by a Pareto spread."""

import datetime
import itertools
import math
import random

from .specs import pick
from .words import ACTIVITY_SUMMARIES

HISTORY_YEARS = 3  # documents of the last years (--history-years)
INVOICE_LINES_PER_CUSTOMER = 40  # default total of invoice lines: this many per customer of the run
LINES_PER_INVOICE = 5  # on average (--lines-per-invoice)
LATE_SHARE = 0.25  # customers that pay after the due date (--late-share)
CREDIT_NOTE_SHARE = 0.03  # invoices followed by a credit note (--credit-note-share)
FULL_CREDIT_SHARE = 0.15  # ... that cancel the whole invoice (the others: a price reduction)
INSTALMENT_SHARE = 0.07  # paid invoices paid in two instalments
WON_OPPORTUNITY_SHARE = 0.35  # confirmed orders that closed an opportunity
CANCELLED_QUOTE_SHARE = 0.2  # quotations cancelled, per confirmed order
OPEN_QUOTE_SHARE = 0.3  # owned customers with a quotation under way
UNINVOICED_SHARE = 0.1  # customers with an order of the last days not invoiced yet
OPEN_ACTIVITY_SHARE = 0.35  # owned partners with a planned activity
# Pareto sizes of the customers (80/20); the biggest buys at most this many times the smallest
PARETO_ALPHA = 1.16
PARETO_CAP = 300.0
# Activity by month (January first): a summer dip and an end-of-year peak; Chinese customers
# stop for the Spring Festival instead. Business grows a little every year.
SEASON = (0.85, 0.9, 1.05, 1.0, 1.0, 0.95, 0.8, 0.7, 1.05, 1.1, 1.2, 1.3)
SEASON_CN = (0.8, 0.45, 1.1, 1.05, 1.0, 1.0, 0.95, 0.95, 1.05, 1.1, 1.15, 1.25)
YEARLY_GROWTH = 0.08
PRICE_INFLATION = 0.03  # prices and costs rise by this much a year
# Payment terms (days) customers are given, with their weights; only those in the database
TERM_WEIGHTS = {30: 0.5, 15: 0.15, 45: 0.15, 0: 0.1, 21: 0.1}


CATALOGUE_PREFIX = "GEN-P"


def _uniform_datetime(rng, low, high):
    """A datetime between ``low`` and ``high`` (to the second)."""
    span = max((high - low).total_seconds(), 0.0)
    return (low + datetime.timedelta(seconds=rng.random() * span)).replace(microsecond=0)


def seasonal_dates(rng, low, high, count, country_code=None):
    """``count`` sorted datetimes between ``low`` and ``high``, more in busy months (and,
    year after year, a little more as the business grows): rejection sampling."""
    if count <= 0:
        return []
    season = SEASON_CN if country_code == "CN" else SEASON
    ceiling = max(season) * (1.0 + YEARLY_GROWTH * max((high - low).days / 365.0, 0.0))
    dates = []
    while len(dates) < count:
        date = _uniform_datetime(rng, low, high)
        weight = season[date.month - 1] * (1.0 + YEARLY_GROWTH * (date - low).days / 365.0)
        if rng.random() * ceiling <= weight:
            dates.append(date)
    dates.sort()
    return dates


def pareto_weight(rng):
    """The relative size of a customer: Pareto distributed (the top fifth buys about 80%)."""
    return min((1.0 - rng.random()) ** (-1.0 / PARETO_ALPHA), PARETO_CAP)


def customer_weight(seed, partner, now, years):
    """The share of the invoice lines a customer gets: its Pareto size, times the part of the
    history window it has been a customer for."""
    rng = random.Random(f"{seed}/size/{partner['index']}")
    window = datetime.timedelta(days=365 * years)
    since = max(partner["stage_date"] or partner["create_date"], partner["create_date"], now - window)
    active = max((now - since).total_seconds(), 86400.0) / window.total_seconds()
    return pareto_weight(rng) * min(active, 1.0)


def split_by_weight(total, weights, minimum=1):
    """``total`` split in integers in proportion to ``weights``, each at least ``minimum``
    (while the total allows): largest remainders, deterministic."""
    count = len(weights)
    if not count:
        return []
    floor = min(minimum, total // count)
    rest = total - floor * count
    whole = sum(weights) or 1.0
    raw = [rest * weight / whole for weight in weights]
    parts = [int(value) for value in raw]
    left = rest - sum(parts)
    order = sorted(range(count), key=lambda position: (parts[position] - raw[position], position))
    for position in order[:left]:
        parts[position] += 1
    return [floor + part for part in parts]


def _lines_of_invoice(rng, average):
    """How many lines an invoice has: 1 to 40, ``average`` on average (geometric)."""
    if average <= 1:
        return 1
    return min(1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - 1.0 / average)), 40)


def _after(rng, date, low_days, high_days):
    return date + datetime.timedelta(days=rng.randint(low_days, high_days))


def plan_history(partner, budget, seed, now, options):
    """The documents of one partner, without their lines (pure, deterministic).

    ``partner``: dict with ``index``, ``stage`` (code), ``create_date``, ``stage_date``,
    ``user`` (owner's user id or None), ``owner_since``, ``last_contact``, ``pool_state``,
    ``previous_owner``, ``expired``, ``country_code``. ``budget``: invoice lines to spread
    over the customer's invoices (0 for a prospect). ``options``: ``years``,
    ``lines_per_invoice``, ``late_share``, ``credit_note_share``, ``salespeople`` (user ids,
    for customers without owner), ``terms`` ({days: term id}).

    Dates follow the partner's life: a customer's first order is the day it became a
    customer (when within the window), a prospect's lead or quotation the day it reached its
    stage; documents still open (quotations, opportunities) belong to owners that are not
    expired, so that the ownership rules keep their meaning; the contact messages end at
    the partner's last contact, by its owner.

    :return: dict of lists: ``orders`` (``date``, ``state``, ``lines``, ``invoice``: its
        position in ``invoices`` or None, ``lead``: position in ``leads`` or None, ``user``),
        ``invoices`` (``order``, ``date``, ``due``, ``term``, ``credit`` or None,
        ``payments``: [(date, share of what is left, None for all)]), ``leads``
        (``type``, ``state``: open/won/lost, ``stage``: new/qualified/potential/proposition/won,
        ``create``, ``closed``, ``reason``: normal/invalid, ``user``, ``order``), ``messages``
        ([(date, author user id, activity kind or None)]), ``activities``
        ([(model, position of the lead or None, kind, deadline date, user)]); and ``rng``,
        the stream the lines are drawn from afterwards
    """
    rng = random.Random(f"{seed}/history/{partner['index']}")
    details = random.Random(f"{seed}/history-lines/{partner['index']}")
    window_start = now - datetime.timedelta(days=365 * options["years"])
    today = now.date()
    stage = partner["stage"]
    salespeople = options["salespeople"]
    seller = (
        partner["user"] or partner["previous_owner"] or (rng.choice(salespeople) if salespeople else None)
    )
    open_ok = bool(partner["pool_state"] == "owned" and partner["user"] and not partner["expired"])
    created = partner["create_date"]
    reached = max(partner["stage_date"] or created, created)
    plan = {"orders": [], "invoices": [], "leads": [], "messages": [], "activities": [], "rng": details}
    plan.update(seller=seller, created=created)
    if stage == "customer":
        _plan_customer(plan, partner, budget, rng, now, max(reached, window_start), reached, open_ok, options)
    elif stage == "opportunity":
        opened = _uniform_datetime(rng, max(created, reached - datetime.timedelta(days=30)), reached)
        if open_ok:
            lead = _add_lead(plan, "opportunity", "open", "proposition", opened)
            _add_order(plan, reached, "sent" if rng.random() < 0.7 else "draft", rng.randint(1, 5), lead)
        else:
            closed = min(_after(rng, reached, 5, 40), now)
            lead = _add_lead(plan, "opportunity", "lost", "proposition", opened, closed, "normal")
            _add_order(plan, reached, "cancel", rng.randint(1, 5), lead)
    elif stage == "potential":
        if open_ok:
            _add_lead(plan, "opportunity", "open", "potential", reached)
        else:
            closed = min(_after(rng, reached, 5, 60), now)
            _add_lead(plan, "opportunity", "lost", "potential", reached, closed, "normal")
    elif stage == "qualified":
        _add_lead(plan, "lead", "open", "new", reached, user=partner["user"])
    elif stage == "invalid":
        opened = _uniform_datetime(rng, max(created, reached - datetime.timedelta(days=30)), reached)
        _add_lead(plan, "lead", "lost", "new", opened, reached, "invalid")
    _plan_contacts(plan, partner, rng, now, created)
    if open_ok and rng.random() < OPEN_ACTIVITY_SHARE:
        deadline = today + datetime.timedelta(days=rng.randint(-10, 21))
        plan["activities"].append(("res.partner", None, rng.choice(tuple(ACTIVITY_SUMMARIES)), deadline))
    for position, lead in enumerate(plan["leads"]):
        if lead["state"] == "open" and lead["type"] == "opportunity" and lead["user"] and rng.random() < 0.5:
            deadline = today + datetime.timedelta(days=rng.randint(-5, 14))
            plan["activities"].append(
                ("crm.lead", position, rng.choice(("call", "email", "meeting")), deadline)
            )
    return plan


def _add_lead(plan, kind, state, stage, create, closed=None, reason=None, user=False):
    """Add a lead (of the partner's seller unless ``user`` is given) to the plan: its position."""
    plan["leads"].append(
        {
            "type": kind,
            "state": state,
            "stage": stage,
            "create": max(create, plan["created"]),
            "closed": closed,
            "reason": reason,
            "user": plan["seller"] if user is False else user,
            "order": None,
        }
    )
    return len(plan["leads"]) - 1


def _add_order(plan, date, state, lines, lead=None):
    """Add an order or quotation of the partner's seller to the plan, linked to ``lead``."""
    plan["orders"].append(
        {"date": date, "state": state, "lines": lines, "invoice": None, "lead": lead, "user": plan["seller"]}
    )
    if lead is not None:
        plan["leads"][lead]["order"] = len(plan["orders"]) - 1
    return plan["orders"][-1]


def _plan_customer(plan, partner, budget, rng, now, begin, reached, open_ok, options):
    """The orders, invoices, payments and credit notes of a customer (see plan_history):
    ``budget`` invoice lines over orders from ``begin`` (the first one on the day it became
    a customer, ``reached``, when it is in the window) to ``now``."""
    today = now.date()
    created = plan["created"]
    sizes = []
    left = max(budget, 1)
    while left > 0:
        size = min(_lines_of_invoice(rng, options["lines_per_invoice"]), left)
        sizes.append(size)
        left -= size
    if reached >= begin:
        dates = [reached, *seasonal_dates(rng, begin, now, len(sizes) - 1, partner["country_code"])]
    else:
        dates = seasonal_dates(rng, begin, now, len(sizes), partner["country_code"])
    days = pick(rng, list(TERM_WEIGHTS), list(itertools.accumulate(TERM_WEIGHTS.values())))
    term = options["terms"].get(days)
    terms = (term, days if term else 0, rng.random() < options["late_share"])
    for position, (size, date) in enumerate(zip(sizes, dates, strict=True)):
        if position or reached < begin:  # in office hours; the first order is the stage's moment
            date = date.replace(hour=rng.randint(8, 17), minute=rng.randrange(60), second=rng.randrange(60))
        date = min(max(date, created), now)
        lead = None
        if rng.random() < WON_OPPORTUNITY_SHARE:
            opened = date - datetime.timedelta(days=rng.randint(5, 60))
            lead = _add_lead(plan, "opportunity", "won", "won", opened, date)
        order = _add_order(plan, date, "sale", size, lead)
        invoice_date = min(date.date() + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 7))), today)
        draws = [rng.random() for _ in range(8)]  # the same number of draws for every order
        order["invoice"] = len(plan["invoices"])
        plan["invoices"].append(
            _plan_invoice(len(plan["orders"]) - 1, invoice_date, size, terms, draws, rng, today, options)
        )
        if rng.random() < CANCELLED_QUOTE_SHARE:
            quote_date = _uniform_datetime(rng, begin, now)
            lost = None
            if rng.random() < 0.5:
                opened = quote_date - datetime.timedelta(days=rng.randint(3, 30))
                closed = min(quote_date + datetime.timedelta(days=rng.randint(3, 30)), now)
                lost = _add_lead(plan, "opportunity", "lost", "proposition", opened, closed, "normal")
            _add_order(plan, quote_date, "cancel", rng.randint(1, 4), lost)
    if rng.random() < UNINVOICED_SHARE:  # an order of the last days, to invoice (beyond the budget)
        date = max(now - datetime.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8)), created)
        _add_order(plan, date, "sale", rng.randint(1, 5))
    if open_ok and rng.random() < OPEN_QUOTE_SHARE:
        quote_date = max(now - datetime.timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 8)), created)
        lead = None
        if rng.random() < 0.5:
            opened = quote_date - datetime.timedelta(days=rng.randint(1, 20))
            lead = _add_lead(plan, "opportunity", "open", "proposition", opened)
        _add_order(plan, quote_date, "sent" if rng.random() < 0.6 else "draft", rng.randint(1, 4), lead)


def _plan_invoice(order, invoice_date, size, terms, draws, rng, today, options):
    """The invoice of the order at ``order`` (position): its due date, its credit note (a
    price reduction, sometimes a full cancellation) and its payments (on time or late, in
    one or two instalments, those after today not made yet)."""
    term, days, late = terms
    invoice = {"order": order, "date": invoice_date, "term": term}
    invoice["due"] = invoice_date + datetime.timedelta(days=days)
    credit = None
    if draws[1] < options["credit_note_share"]:
        credit_date = invoice_date + datetime.timedelta(days=1 + int(draws[2] * 30))
        if credit_date <= today:
            credit = {
                "date": credit_date,
                "full": draws[3] < FULL_CREDIT_SHARE,
                "line": int(draws[4] * size),
                "fraction": 0.1 + 0.4 * draws[5],
            }
    invoice["credit"] = credit
    payments = []
    if not (credit and credit["full"]):
        if late:
            paid = invoice["due"] + datetime.timedelta(days=3 + int(draws[6] * 72))
        else:
            paid = invoice["due"] - datetime.timedelta(days=int(draws[6] * min(days, 10)))
            if draws[7] < 0.1:
                paid += datetime.timedelta(days=1 + int(draws[7] * 140))
        paid = max(paid, credit["date"] if credit else invoice_date)
        if rng.random() < INSTALMENT_SHARE:
            second = paid + datetime.timedelta(days=rng.randint(10, 45))
            payments = [(paid, 0.3 + 0.4 * rng.random()), (second, None)]
        else:
            payments = [(paid, None)]
        payments = [(date, share_) for date, share_ in payments if date <= today]
    invoice["payments"] = payments
    return invoice


def _plan_contacts(plan, partner, rng, now, created):
    """Contact messages: notes and activities done by the owner (or, for a customer released
    to the pool, its previous owner), the last one at the partner's last contact date."""
    last = partner["last_contact"]
    author = partner["user"] or partner["previous_owner"]
    if not last or not author:
        return
    if partner["user"]:
        low = partner["owner_since"] or created
    else:
        low = last - datetime.timedelta(days=120)
    low = min(max(low, created), last)
    count = 1 + rng.randrange(3)
    if partner["stage"] == "customer":
        count += rng.randrange(8)
    dates = sorted(_uniform_datetime(rng, low, last) for _ in range(count - 1))
    for date in [*dates, last]:
        kind = rng.choice(("call", "meeting", "email")) if rng.random() < 0.3 else None
        plan["messages"].append((date, author, kind))


def plan_facts(plan, since):
    """(has a deal, a deal since ``since``, an open opportunity or quotation): what the
    ownership schedule of crm_lifecycle reads of a partner's documents."""
    orders = plan["orders"]
    deal = any(order["state"] == "sale" for order in orders) or bool(plan["invoices"])
    deal_since = any(order["state"] == "sale" and order["date"] >= since for order in orders) or any(
        invoice["date"] >= since.date() for invoice in plan["invoices"]
    )
    opportunity = any(order["state"] in ("draft", "sent") for order in orders) or any(
        lead["type"] == "opportunity" and lead["state"] == "open" for lead in plan["leads"]
    )
    return deal, deal_since, opportunity
