"""wenzheng categories load FILE — load a three-level category tree (一级分类,二级分类,三级分类)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenzheng.casework.categories import do_load_categories
from wenzheng.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Manage the category tree."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="Load categories from a CSV in the board-export format.")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = do_load_categories(path)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{result.created} categories created, {result.existing} already present.")
