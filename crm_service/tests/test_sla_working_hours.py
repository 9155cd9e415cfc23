# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import datetime, timedelta

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_service.utils.working_hours import (
    WorkSchedule,
    calendar_source,
    consumed_hours,
    plan_deadlines,
    round_to_second,
)


def attendances(days, periods):
    """Attendance commands: ``periods`` is a list of (hour_from, hour_to, day_period)."""
    return [
        (
            0,
            0,
            {
                "name": f"{day}-{hour_from}",
                "dayofweek": str(day),
                "hour_from": hour_from,
                "hour_to": hour_to,
                "day_period": day_period,
            },
        )
        for day in days
        for hour_from, hour_to, day_period in periods
    ]


@tagged("post_install", "-at_install")
class TestSlaWorkingHours(TransactionCase):
    """The batched arithmetic against ``resource.calendar.plan_hours(compute_leaves=True)``.

    Deadlines are compared to the second: ``plan_hours`` subtracts float hours interval by
    interval, so its result carries microseconds of rounding (e.g. 10:59:59.999998), while
    the batched walk sums whole seconds and hits the exact second; Odoo stores datetimes to
    the second, so both store the same value. Starts and hours are drawn on whole minutes.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Calendar = cls.env["resource.calendar"]
        weekdays = range(5)
        # 9-17 with a lunch break as a gap, China time (UTC+8, no DST)
        cls.shanghai = Calendar.create(
            {
                "name": "Shanghai 9-17",
                "tz": "Asia/Shanghai",
                "attendance_ids": attendances(weekdays, [(9, 12, "morning"), (13, 17, "afternoon")]),
            }
        )
        # 8:30-16:30 with a lunch line (Odoo 18's day_period "lunch"), Warsaw (DST changes)
        cls.warsaw = Calendar.create(
            {
                "name": "Warsaw 8:30-16:30",
                "tz": "Europe/Warsaw",
                "attendance_ids": attendances(
                    weekdays, [(8.5, 12, "morning"), (12, 12.5, "lunch"), (12.5, 16.5, "afternoon")]
                ),
            }
        )
        # an uneven week: long Mondays, short Fridays, Saturday mornings, New York time
        cls.uneven = Calendar.create(
            {
                "name": "Uneven",
                "tz": "America/New_York",
                "attendance_ids": attendances([0], [(7, 12, "morning"), (12.75, 19, "afternoon")])
                + attendances([1, 2, 3], [(9, 12, "morning"), (13, 17, "afternoon")])
                + attendances([4], [(9, 13, "morning")])
                + attendances([5], [(10, 12.25, "morning")]),
            }
        )
        Leave = cls.env["resource.calendar.leaves"]
        # a public holiday for every calendar (calendar_id empty) on Monday 2026-03-30,
        # a two-day closing of the Shanghai calendar and half a day of the Warsaw one
        Leave.create(
            [
                {
                    "name": "Public holiday",
                    "date_from": datetime(2026, 3, 29, 16, 0),
                    "date_to": datetime(2026, 3, 30, 23, 59, 59),
                },
                {
                    "name": "Closing",
                    "calendar_id": cls.shanghai.id,
                    "date_from": datetime(2026, 4, 8, 0, 0),
                    "date_to": datetime(2026, 4, 9, 16, 0),
                },
                {
                    "name": "Afternoon off",
                    "calendar_id": cls.warsaw.id,
                    "date_from": datetime(2026, 3, 25, 11, 0),
                    "date_to": datetime(2026, 3, 25, 17, 0),
                },
            ]
        )
        cls.calendars = cls.shanghai | cls.warsaw | cls.uneven

    def random_items(self, seed, count, max_hours):
        rng = random.Random(seed)
        # starts over five weeks around the holiday and the Warsaw switch to summer time (29 March)
        base = datetime(2026, 3, 16)
        return [
            (
                base + timedelta(minutes=rng.randrange(0, 35 * 24 * 60)),
                rng.randrange(0, max_hours * 60) / 60,
            )
            for _i in range(count)
        ]

    def test_deadlines_match_plan_hours(self):
        items = self.random_items(13, 150, 60)
        # the edges: zero hours, a start on a interval end, hours ending on an interval end
        items += [
            (datetime(2026, 3, 20, 7, 0), 0.0),
            (datetime(2026, 3, 21, 3, 0), 0.0),
            (datetime(2026, 3, 20, 9, 0), 8.0),
            (datetime(2026, 3, 20, 1, 0), 3.0),
        ]
        for calendar in self.calendars:
            planned = plan_deadlines(calendar_source(calendar), items)
            for (start, hours), deadline in zip(items, planned, strict=True):
                expected = calendar.plan_hours(hours, start, compute_leaves=True)
                self.assertEqual(
                    deadline,
                    round_to_second(expected),
                    f"{calendar.name}: {hours} h from {start}",
                )
                self.assertEqual(deadline.microsecond, 0)

    def test_long_spans_extend_the_window(self):
        """Hours far beyond the first 14-day window (400 h = 10 weeks) still match."""
        items = self.random_items(7, 20, 400)
        for calendar in self.calendars:
            planned = plan_deadlines(calendar_source(calendar), items)
            for (start, hours), deadline in zip(items, planned, strict=True):
                expected = calendar.plan_hours(hours, start, compute_leaves=True)
                self.assertEqual(deadline, round_to_second(expected), f"{calendar.name}: {hours} h")

    def test_one_calendar_computation_per_batch(self):
        """A batch whose deadlines fit in the first window fetches the intervals once."""
        calls = []
        source = calendar_source(self.shanghai)

        def counting(start, end):
            calls.append((start, end))
            return source(start, end)

        items = self.random_items(3, 500, 8)
        plan_deadlines(counting, items)
        self.assertEqual(len(calls), 1)

    def test_consumed_hours_match_work_hours_count(self):
        rng = random.Random(42)
        starts = self.random_items(42, 100, 1)
        pairs = [(start, start + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))) for start, _h in starts]
        for calendar in self.calendars:
            consumed = consumed_hours(calendar_source(calendar), pairs)
            for (start, end), hours in zip(pairs, consumed, strict=True):
                expected = calendar.get_work_hours_count(start, end, compute_leaves=True)
                self.assertAlmostEqual(hours, expected, places=6, msg=f"{calendar.name} {start} {end}")

    def test_round_trip_deadline_consumes_the_hours(self):
        items = self.random_items(5, 60, 30)
        source = calendar_source(self.warsaw)
        deadlines = plan_deadlines(source, items)
        consumed = consumed_hours(
            source, [(start, end) for (start, _h), end in zip(items, deadlines, strict=True)]
        )
        for (_start, hours), used in zip(items, consumed, strict=True):
            self.assertAlmostEqual(used, hours, places=6)

    def test_around_the_clock(self):
        start = datetime(2026, 3, 27, 15, 0)
        self.assertEqual(plan_deadlines(None, [(start, 10.5)]), [datetime(2026, 3, 28, 1, 30)])
        self.assertEqual(consumed_hours(None, [(start, start + timedelta(hours=3))]), [3.0])
        self.assertEqual(consumed_hours(None, [(start, start - timedelta(hours=3))]), [0.0])

    def test_schedule_merges_touching_intervals(self):
        day = datetime(2026, 1, 5)
        schedule = WorkSchedule(
            day,
            day + timedelta(days=1),
            [
                (day + timedelta(hours=9), day + timedelta(hours=12)),
                (day + timedelta(hours=12), day + timedelta(hours=13)),
                (day + timedelta(hours=14), day + timedelta(hours=15)),
            ],
        )
        self.assertEqual(schedule.starts, [day + timedelta(hours=9), day + timedelta(hours=14)])
        self.assertEqual(schedule.total, 5 * 3600)
        self.assertEqual(schedule.deadline(day, 4 * 3600), day + timedelta(hours=13))
        self.assertIsNone(schedule.deadline(day, 6 * 3600))
