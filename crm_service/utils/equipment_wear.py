# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Wear and next due date of a piece of equipment at a customer. Pure Python, no ORM.

Definitions (the SQL refresh of ``crm.equipment._crm_refresh_wear`` computes the same):

* **Usage** is the cumulative meter usage: the sum of the increases between readings, a reading
  flagged as a meter reset counting its whole value. The meter of new equipment starts at 0.
* **Wear %** is measured against the **expected life** of the plan:
  ``100 * max(days in service / days of the expected life in months, usage / expected life in
  units)``; days in service run from the installation date to ``today`` (to the retirement date
  for retired equipment); the expected life in months is counted in calendar months from the
  installation date (``install + N months - install`` days). A dimension without an expected
  life counts 0; equipment without a plan or without an installation date wears 0 in time.
  Wear is not capped: 120% is equipment beyond its expected life.
* **Next due** is the first date at which either interval of the plan is used up, counted from
  the reference (the last done preventive visit, else the installation date):
  ``reference + N months`` for the time interval; for the usage interval, when the usage since
  the reference already reaches it, the date of the last reading, else the last reading's date
  plus the days the remaining units take at the average daily usage since installation (usage /
  days from installation to the last reading, rounded up to whole days). Without a usage rate
  only the time interval counts; without either, there is no due date.
"""

import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta

#: Wear bands of the wear distribution report: (upper bound excluded, key)
WEAR_BANDS = (
    (25.0, "0_25"),
    (50.0, "25_50"),
    (75.0, "50_75"),
    (90.0, "75_90"),
    (100.0, "90_100"),
)


def life_days(install_date, life_months):
    """Days of an expected life of ``life_months`` calendar months from ``install_date``."""
    if not install_date or not life_months:
        return 0
    return ((install_date + relativedelta(months=life_months)) - install_date).days


def wear_percent(today, install_date, usage, life_months=0, life_usage=0.0, end_date=None):
    """Wear in percent against the expected life (see the module docstring), rounded to 2 digits."""
    time_share = 0.0
    days = life_days(install_date, life_months)
    if days:
        until = min(today, end_date) if end_date else today
        time_share = max(0, (until - install_date).days) / days
    usage_share = (usage or 0.0) / life_usage if life_usage else 0.0
    return round(100.0 * max(time_share, usage_share), 2)


def wear_band(wear):
    for bound, key in WEAR_BANDS:
        if wear < bound:
            return key
    return "100_plus"


def usage_rate(install_date, usage, last_reading_date):
    """Average usage per day from the installation to the last reading, 0 when unknown."""
    if not install_date or not last_reading_date or not usage:
        return 0.0
    days = (last_reading_date - install_date).days
    return usage / days if days > 0 else 0.0


def next_due(
    reference_date,
    interval_months=0,
    interval_usage=0.0,
    usage_since=0.0,
    rate=0.0,
    last_reading_date=None,
):
    """The first date at which an interval of the plan is used up (see the module docstring)."""
    if not reference_date:
        return None
    candidates = []
    if interval_months:
        candidates.append(reference_date + relativedelta(months=interval_months))
    if interval_usage:
        remaining = interval_usage - (usage_since or 0.0)
        if remaining <= 0:
            candidates.append(max(last_reading_date or reference_date, reference_date))
        elif rate > 0:
            start = max(last_reading_date or reference_date, reference_date)
            candidates.append(start + timedelta(days=math.ceil(remaining / rate)))
    return min(candidates) if candidates else None


def mtbf_days(operating_days, failures):
    """Mean time between failures in days: operating days over failures; None without failure."""
    return round(operating_days / failures, 2) if failures else None
