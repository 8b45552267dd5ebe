"""A period is a closed range of calendar dates [first, last] in Europe/Moscow."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True, slots=True)
class Period:
    first: datetime.date
    last: datetime.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("period ends before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.first <= day <= self.last

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first_month = 3 * (quarter - 1) + 1
        return cls(cls.month(year, first_month).first, cls.month(year, first_month + 2).last)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def months(self) -> list["Period"]:
        """The calendar months the period touches, each clipped to the period."""
        result = []
        cursor = self.first.replace(day=1)
        while cursor <= self.last:
            month = Period.month(cursor.year, cursor.month)
            result.append(Period(max(month.first, self.first), min(month.last, self.last)))
            cursor = month.last + datetime.timedelta(days=1)
        return result
