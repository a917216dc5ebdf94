from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gridgov.calendar.days import Source, library_covers, year_days, year_warning
from gridgov.calendar.models import YearSchedule
from gridgov.calendar.working_time import working_day_length, working_hours

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class Command(BaseCommand):
    help = (
        "Show where a year's working days come from and every day that differs from plain Monday to "
        "Friday (holidays, make-up working days, overrides)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", type=int, help="the year to check (default: this year)")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year
        if not 1900 <= year <= 2200:
            raise CommandError(f"year {year} is out of range (1900-2200)")
        schedule = YearSchedule.objects.filter(year=year).first()
        if schedule is not None and schedule.published:
            coverage = f"published year schedule ({schedule.notice or 'no notice given'})"
        elif library_covers(year):
            coverage = "chinesecalendar library"
        else:
            coverage = "NONE: weekends only"
        if schedule is not None and not schedule.published:
            coverage += "; a draft schedule is entered but not published"
        hours = ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in working_hours())
        self.stdout.write(f"year {year}: holidays from {coverage}")
        self.stdout.write(f"working hours {hours}; one working day = {working_day_length()}")
        days = year_days(year)
        working = sum(day.is_working for day in days)
        self.stdout.write(f"{working} working days, {len(days) - working} days off")
        for day in days:
            if day.differs_from_weekdays or day.source == Source.OVERRIDE:
                status = "working" if day.is_working else "off"
                self.stdout.write(
                    f"{day.date:%Y-%m-%d} {WEEKDAY_NAMES[day.date.weekday()]} {status:<7} "
                    f"{day.source:<8} {day.name}".rstrip()
                )
        warning = year_warning(year)
        if warning:
            self.stdout.write(self.style.WARNING(warning))
