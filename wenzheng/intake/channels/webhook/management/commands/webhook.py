"""wenzheng webhook create NAME --channel weibo --org CODE | list | rotate NAME [--grace-minutes N]"""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Channel
from wenzheng.intake.channels.webhook.actions import (
    IssuedSecret,
    SourceError,
    do_create_source,
    do_rotate_secret,
)
from wenzheng.intake.channels.webhook.models import WebhookSource
from wenzheng.intake.channels.webhook.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER


class Command(BaseCommand):
    help = "Sources of signed webhooks (/webhooks/<name>/): microblog and WeChat bridges."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Add a source; its signing secret is shown once.")
        create.add_argument("name", help="slug used in /webhooks/NAME/; cases record source webhook:NAME")
        create.add_argument("--channel", required=True, choices=Channel.values)
        create.add_argument(
            "--org", required=True, help="code of the organisation (a unit that runs a ledger)"
        )
        sub.add_parser("list", help="List the sources (never their secrets).")
        rotate = sub.add_parser("rotate", help="Give a source a new secret, shown once.")
        rotate.add_argument("name")
        rotate.add_argument(
            "--grace-minutes",
            type=int,
            default=0,
            help="keep accepting the old secret this long (default 0: refused at once, as after a leak)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        try:
            if command == "create":
                org = OrgUnit.objects.filter(code=options["org"]).first()
                if org is None:
                    raise CommandError(f"No unit with code {options['org']!r}.")
                issued = do_create_source(name=options["name"], channel=options["channel"], org=org)
                self._show(issued, "created")
            elif command == "rotate":
                source = WebhookSource.objects.filter(name=options["name"]).first()
                if source is None:
                    raise CommandError(f"No webhook source named {options['name']!r}.")
                issued = do_rotate_secret(source, grace=timedelta(minutes=options["grace_minutes"]))
                self._show(issued, "rotated")
                if issued.source.previous_secret_until:
                    self.stdout.write(
                        f"The old secret is accepted until {issued.source.previous_secret_until:%Y-%m-%d %H:%M %Z}."
                    )
            else:
                self._list()
        except SourceError as error:
            raise CommandError(str(error)) from error

    def _show(self, issued: IssuedSecret, what: str) -> None:
        source = issued.source
        self.stdout.write(
            self.style.SUCCESS(f"Webhook source {source.name} {what} ({source.channel}, {source.org.code}).")
        )
        self.stdout.write(f"URL path:  /webhooks/{source.name}/")
        self.stdout.write(f"Secret:    {issued.secret}")
        self.stdout.write("The secret is shown only now; give it to the platform and keep no other copy.")
        self.stdout.write(
            f"Sign each POST: {TIMESTAMP_HEADER}: <unix seconds>, "
            f'{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>.'
        )

    def _list(self) -> None:
        sources = WebhookSource.objects.select_related("org").order_by("name")
        if not sources:
            self.stdout.write("No webhook sources.")
            return
        for source in sources:
            state = "active" if source.is_active else "inactive"
            rotated = f" rotated {source.rotated_at:%Y-%m-%d}" if source.rotated_at else ""
            self.stdout.write(
                f"{source.name}\t{source.channel}\t{source.org.code}\t{state}\t"
                f"created {source.created_at:%Y-%m-%d}{rotated}\t{source.deliveries.count()} deliveries"
            )
