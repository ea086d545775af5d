"""wenzheng apikey create NAME --org CODE [--channel api] --scopes a,b [--rate-limit N]
wenzheng apikey list | revoke PREFIX_OR_ID | purge-idempotency [--hours 24]"""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Channel
from wenzheng.core.errors import DomainError
from wenzheng.intake.channels.api.auth import do_create_api_key, do_revoke_api_key
from wenzheng.intake.channels.api.idempotency import RETENTION, do_purge_idempotency
from wenzheng.intake.channels.api.models import SCOPES, ApiKey


class Command(BaseCommand):
    help = "API keys of the partner API (/api/v1/)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Issue a key; its secret is shown once.")
        create.add_argument("name", help="the partner; messages are recorded with source api:NAME")
        create.add_argument(
            "--org", required=True, help="code of the organisation (a unit that runs a ledger)"
        )
        create.add_argument("--channel", default=Channel.API, choices=Channel.values)
        create.add_argument("--scopes", required=True, help="comma-separated: " + ",".join(SCOPES))
        create.add_argument("--rate-limit", type=int, default=120, help="requests per minute (default 120)")
        sub.add_parser("list", help="List the keys (never their secrets).")
        revoke = sub.add_parser("revoke", help="Deactivate a key at once.")
        revoke.add_argument("key", help="the key's prefix (as listed) or id")
        purge = sub.add_parser("purge-idempotency", help="Forget idempotency records older than 24 hours.")
        purge.add_argument("--hours", type=int, default=int(RETENTION.total_seconds() // 3600))

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "create":
            self._create(options)
        elif command == "list":
            self._list()
        elif command == "revoke":
            self._revoke(options["key"])
        else:
            if options["hours"] < 1:
                raise CommandError("--hours must be at least 1")
            count = do_purge_idempotency(timedelta(hours=options["hours"]))
            self.stdout.write(f"{count} idempotency records older than {options['hours']} h deleted.")

    def _create(self, options: dict[str, Any]) -> None:
        org = OrgUnit.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"No unit with code {options['org']!r}")
        try:
            issued = do_create_api_key(
                name=options["name"],
                org=org,
                channel=options["channel"],
                scopes=options["scopes"],
                rate_limit_per_minute=options["rate_limit"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        key = issued.key
        self.stdout.write(
            f"Key {key.prefix}… (id {key.pk}) for {key.name}, {org.code}, channel {key.channel}"
        )
        self.stdout.write(f"Scopes: {', '.join(key.scopes)}; {key.rate_limit_per_minute} requests per minute")
        self.stdout.write("Secret (shown only now; send it as 'Authorization: Bearer <secret>'):")
        self.stdout.write(issued.secret)

    def _list(self) -> None:
        for key in ApiKey.objects.select_related("org").order_by("name", "-created_at"):
            state = "active" if key.is_active else "revoked"
            used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "never"
            self.stdout.write(
                f"{key.pk:>5} {key.prefix} {state:7} {key.name} org={key.org.code} channel={key.channel} "
                f"scopes={','.join(key.scopes)} limit={key.rate_limit_per_minute}/min last_used={used}"
            )

    def _revoke(self, ident: str) -> None:
        matches = list(ApiKey.objects.filter(prefix=ident))
        if not matches and ident.isdigit():
            matches = list(ApiKey.objects.filter(pk=int(ident)))
        if not matches:
            raise CommandError(f"No key with prefix or id {ident!r}")
        if len(matches) > 1:
            raise CommandError(f"Several keys have the prefix {ident!r}; revoke by id instead.")
        key = do_revoke_api_key(matches[0])
        self.stdout.write(f"Key {key.prefix}… ({key.name}) revoked.")
