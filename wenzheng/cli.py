"""The `wenzheng` console command: Django's management utility with our settings."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzheng.settings")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv)
    # Command names may be written with hyphens: `wenzheng rotate-keys` runs rotate_keys.
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)
    return 0
