"""wenzheng sla presets | wenzheng sla apply KEY --org CODE"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.sla_presets import PRESETS, do_apply_preset


class Command(BaseCommand):
    help = "Time-limit presets from the source documents."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("presets", help="List the presets.")
        apply = sub.add_parser("apply", help="Make a preset the organisation's active time limits.")
        apply.add_argument("key", choices=sorted(PRESETS))
        apply.add_argument(
            "--org", required=True, help="code of the organisation (a unit that runs a ledger)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "presets":
            for preset in PRESETS.values():
                self.stdout.write(f"{preset.key:10} {preset.title}")
                for policy in preset.policies:
                    rules = ", ".join(f"{r.clock.value} {r.amount}" for r in policy.rules)
                    self.stdout.write(f"    {policy.grade.value:9} {policy.name}: {rules}")
            return
        org = OrgUnit.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"No unit with code {options['org']!r}")
        try:
            policies = do_apply_preset(org, options["key"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(policies)} policies of preset {options['key']} active for {org}.")
