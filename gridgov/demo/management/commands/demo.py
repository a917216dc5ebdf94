"""manage.py demo: load the synthetic Keerqin-shaped district and print the demo logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.access.roles import Role
from gridgov.analytics.tasks import run_aggregation
from gridgov.audit.chain import seal_pending
from gridgov.demo.accounts import DEFAULT_PASSWORD, DemoError, Login
from gridgov.demo.district import DEFAULT_SEED, SCALES
from gridgov.demo.history import HISTORY_DAYS
from gridgov.demo.registry import DISTRICT_REGISTRY_GRIDS
from gridgov.demo.resident_accounts import DEMO_RESIDENT_PHONE
from gridgov.demo.services import load_demo
from gridgov.intelligence.classifier import describe
from gridgov.intelligence.demo import train_demo_model


class Command(BaseCommand):
    help = "Load the synthetic demo district (Keerqin-shaped), its departments and one account per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small (default, a few seconds) or district (~1,300 grids).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s)."
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of every demo account.")
        parser.add_argument(
            "--registry-grids",
            type=int,
            default=None,
            metavar="N",
            help="Fill the demo accounts' grids and N other grids with a registry "
            f"(default: every grid at small scale, {DISTRICT_REGISTRY_GRIDS} at district scale).",
        )
        parser.add_argument(
            "--history-days",
            type=int,
            default=HISTORY_DAYS,
            metavar="N",
            help="Days of case history, visits and registry updates before today "
            f"(default {HISTORY_DAYS}; 0: none).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when org units already exist.",
        )

    def handle(
        self,
        *args,
        scale: str,
        seed: int,
        password: str,
        if_empty: bool,
        registry_grids: int | None,
        history_days: int,
        **options,
    ) -> None:
        try:
            result = load_demo(
                scale=scale,
                seed=seed,
                password=password,
                if_empty=if_empty,
                registry_grids=registry_grids,
                history_days=history_days,
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        if result.loaded:
            summary = ", ".join(f"{kind} {count}" for kind, count in sorted(result.counts.items()))
            self.stdout.write(
                self.style.SUCCESS(_("Demo district loaded: %(summary)s.") % {"summary": summary})
            )
            registry = ", ".join(f"{kind} {count}" for kind, count in sorted(result.registry.items()))
            self.stdout.write(_("Registry: %(summary)s.") % {"summary": registry})
            self.stdout.write(describe(train_demo_model()))
            run_aggregation(None)  # the cockpit's and the assessment's daily figures
            seal_pending()  # the history's registry change log, into the audit chain now
        else:
            self.stdout.write(_("Org units already exist; the demo was not loaded again."))
        self.stdout.write(self._table(result.logins))
        self.stdout.write(
            _(
                "Residents sign in at /resident/signin/ with their mobile number: the demo resident's is "
                "%(phone)s, and the one-time code appears in the server log (no SMS is sent)."
            )
            % {"phone": DEMO_RESIDENT_PHONE}
        )

    def _table(self, logins: list[Login]) -> str:
        if not logins:
            return _("No demo accounts found.")
        header = (_("username"), _("role"), _("where"), _("password"))
        rows = [header, *((x.username, str(Role(x.role).label), x.where, x.password) for x in logins)]
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        lines = []
        for n, row in enumerate(rows):
            cells = [cell + " " * (widths[i] - _display_width(cell)) for i, cell in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _display_width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))
