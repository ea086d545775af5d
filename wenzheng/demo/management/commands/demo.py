"""wenzheng demo load | wenzheng demo logins"""

from argparse import ArgumentParser
from time import monotonic
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from wenzheng.demo.loader import demo_logins, do_load_demo, is_loaded


class Command(BaseCommand):
    help = "Load the demo organisation and messages, or print the demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="Load the demo (does nothing if it is already loaded).")
        load.add_argument("--messages", type=int, default=300)
        load.add_argument("--days", type=int, default=180)
        load.add_argument("--seed", type=int, default=2026)
        sub.add_parser("logins", help="Print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "load":
            if is_loaded():
                self.stdout.write("The demo is already loaded.")
                return
            started = monotonic()
            counts = do_load_demo(messages=options["messages"], days=options["days"], seed=options["seed"])
            self.stdout.write(
                f"Demo loaded in {monotonic() - started:.1f}s: {counts['units']} units, {counts['users']} users, "
                f"{counts['cases']} cases."
            )
            return
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write("")
            self.stdout.write(
                "wenzheng demo — http://127.0.0.1:8000/admin/  (password for every login: "
                f"{settings.WENZHENG_DEMO_PASSWORD})"
            )
            for username, full_name, role, unit in demo_logins():
                self.stdout.write(f"  {username:18} {full_name:6} {role:8} {unit}")
            self.stdout.write("")
