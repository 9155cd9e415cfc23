# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Batched working-hour arithmetic for SLA deadlines.

Pure Python, no ORM: the work intervals of a calendar come from an *interval
source*, a callable ``source(start, end)`` returning the work intervals between
two naive UTC datetimes as ``(start, end)`` pairs of naive UTC datetimes (see
:func:`calendar_source` for an Odoo ``resource.calendar``; ``None`` is a 24/7
calendar). One call of the source covers every item of a batch: the intervals
are fetched once for the span of all the starts, merged, summed into a prefix
sum, and each item is then answered by bisection. When a deadline lies beyond
the span fetched, the span is extended (doubling) and only the unanswered items
are walked again.

Times are naive UTC datetimes, as Odoo stores them. Deadlines match
``resource.calendar.plan_hours(hours, start, compute_leaves=True)``: a deadline
that falls exactly on the end of a work interval is that end (not the start of
the next interval), zero hours from a start outside working time is the start
of the next work interval.
"""

from bisect import bisect_left, bisect_right
from datetime import timedelta

from pytz import utc

#: First span fetched beyond the latest start of a batch.
FIRST_SPAN = timedelta(days=14)
#: Longest span looked at before giving up (plan_hours stops after 100 x 14 days).
MAX_SPAN = timedelta(days=1400)


class WorkSchedule:
    """Merged, sorted work intervals over ``[begin, end)`` with prefix sums in seconds."""

    def __init__(self, begin, end, intervals=()):
        self.begin = begin
        self.end = begin
        self.starts = []
        self.ends = []
        #: working seconds from ``begin`` to the start of each interval
        self.before = []
        #: working seconds from ``begin`` to the end of each interval
        self.upto = []
        self.extend(end, intervals)

    @property
    def total(self):
        return self.upto[-1] if self.upto else 0.0

    def extend(self, end, intervals):
        """Append the intervals of ``[self.end, end)`` (the next span of the same calendar)."""
        for start, stop in sorted(intervals):
            start = max(start, self.end)
            stop = min(stop, end)
            if stop <= start:
                continue
            if self.ends and start <= self.ends[-1]:
                # touching or overlapping the previous interval: merge
                if stop > self.ends[-1]:
                    self.upto[-1] += (stop - self.ends[-1]).total_seconds()
                    self.ends[-1] = stop
                continue
            self.before.append(self.total)
            self.starts.append(start)
            self.ends.append(stop)
            self.upto.append(self.before[-1] + (stop - start).total_seconds())
        self.end = max(self.end, end)

    def worked_until(self, moment):
        """Working seconds in ``[begin, moment)``."""
        index = bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0.0
        return self.before[index] + (min(moment, self.ends[index]) - self.starts[index]).total_seconds()

    def deadline(self, start, seconds):
        """The moment ``seconds`` working seconds after ``start``, or None beyond ``end``."""
        target = self.worked_until(start) + seconds
        # the first interval ending after start: a deadline never lies before start
        first = bisect_right(self.ends, start)
        index = bisect_left(self.upto, target, lo=first)
        if index >= len(self.starts):
            return None
        return self.starts[index] + timedelta(seconds=target - self.before[index])


def _source_of(source):
    if source is None:
        return lambda start, end: [(start, end)]
    return source


def plan_deadlines(source, items):
    """Deadlines of many ``(start, hours)`` pairs on one calendar.

    :param source: interval source (see module doc) or None for 24/7
    :param items: iterable of ``(start, hours)``, start a naive UTC datetime, hours >= 0
    :return: list of naive UTC datetimes (None when no working time is found within
        :data:`MAX_SPAN` of the start, as ``plan_hours`` returns False)
    """
    items = list(items)
    result = [None] * len(items)
    if not items:
        return result
    if source is None:
        return [start + timedelta(hours=hours) for start, hours in items]
    begin = min(start for start, _hours in items)
    latest = max(start for start, _hours in items)
    end = latest + FIRST_SPAN
    schedule = WorkSchedule(begin, end, source(begin, end))
    pending = list(range(len(items)))
    span = FIRST_SPAN
    while pending:
        still = []
        for index in pending:
            start, hours = items[index]
            deadline = schedule.deadline(start, max(hours, 0.0) * 3600.0)
            if deadline is None:
                still.append(index)
            else:
                result[index] = deadline
        pending = still
        if not pending or schedule.end - latest >= MAX_SPAN:
            break
        span = min(span * 2, MAX_SPAN - (schedule.end - latest))
        new_end = schedule.end + span
        schedule.extend(new_end, source(schedule.end, new_end))
    return result


def consumed_hours(source, intervals):
    """Working hours in each of many ``(start, end)`` intervals on one calendar.

    One fetch of the source for the span of all intervals; an interval whose end
    is before its start consumes nothing.
    """
    intervals = list(intervals)
    if not intervals:
        return []
    if source is None:
        return [max((end - start).total_seconds(), 0.0) / 3600.0 for start, end in intervals]
    begin = min(start for start, _end in intervals)
    end = max(max(stop for _start, stop in intervals), begin)
    schedule = WorkSchedule(begin, end, source(begin, end) if end > begin else ())
    return [
        max(schedule.worked_until(stop) - schedule.worked_until(start), 0.0) / 3600.0 if stop > start else 0.0
        for start, stop in intervals
    ]


def calendar_source(calendar):
    """Interval source of an Odoo ``resource.calendar`` (None for an empty record).

    Work intervals in the calendar's time zone (attendances without lunch, minus
    its leaves and the global leaves: public holidays), as ``plan_hours`` with
    ``compute_leaves=True`` sees them, returned in naive UTC.
    """
    if not calendar:
        return None

    def source(start, end):
        intervals = calendar._work_intervals_batch(
            utc.localize(start), utc.localize(end), compute_leaves=True
        )[False]
        return [
            (start_dt.astimezone(utc).replace(tzinfo=None), stop_dt.astimezone(utc).replace(tzinfo=None))
            for start_dt, stop_dt, _meta in intervals
        ]

    return source


def round_to_second(moment):
    """A datetime rounded to the nearest second (Odoo stores datetimes to the second)."""
    if moment is None:
        return None
    rounded = moment.replace(microsecond=0)
    if moment.microsecond >= 500000:
        rounded += timedelta(seconds=1)
    return rounded


__all__ = [
    "WorkSchedule",
    "calendar_source",
    "consumed_hours",
    "plan_deadlines",
    "round_to_second",
]
