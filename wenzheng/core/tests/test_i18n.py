"""The Simplified-Chinese catalogue (wenzheng/locale/zh_Hans): complete, compiled, and used.

The UI is Chinese first (LANGUAGE_CODE = "zh-hans"); source strings in code are English. These tests
fail when a string is wrapped for translation but missing or untranslated in the catalogue, when an
entry is left fuzzy, when the .mo is stale, and when the admin does not come out in Chinese.
"""

from __future__ import annotations

import ast
import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import override

from wenzheng.accounts.models import User
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Case

LOCALE_DIR = Path(settings.BASE_DIR) / "wenzheng" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
PROJECT_APPS = {"core", "accounts", "casework"}
# makemessages runs with --ignore='wenzheng/demo/*' (demo content is data, not UI).
NOT_TRANSLATED = ("demo",)


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}" if self.msgid else f"django.po:{self.line} header"


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def parse_po(text: str) -> list[PoEntry]:
    """A small .po reader: flags, msgctxt, msgid, msgid_plural and msgstr[/n], with continuation lines.

    Obsolete entries (``#~``) and other comments are skipped. The header is returned like any entry
    (msgid "").
    """
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None  # which string a continuation line extends
    flags: set[str] = set()

    def append(kind: str, index: int, value: str) -> None:
        assert current is not None
        if kind == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + value
        elif kind == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif kind == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        else:
            current.msgid += value

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            target = None
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            kind = "msgstr" if keyword.startswith("msgstr") else keyword
            # A new entry starts at msgctxt, or at msgid unless a msgctxt just opened this one.
            if kind == "msgctxt" or (kind == "msgid" and not (current and target == ("msgctxt", 0))):
                current = PoEntry(line=number, flags=flags)
                entries.append(current)
                flags = set()
            target = (kind, int(index or 0))
            append(kind, target[1], ast.literal_eval(literal))
            continue
        if line.startswith('"') and current is not None and target is not None:
            append(target[0], target[1], ast.literal_eval(line))
            continue
        raise AssertionError(f"django.po:{number}: cannot parse {raw!r}")
    return entries


def _catalogue() -> list[PoEntry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l zh_Hans"
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


def _messages() -> list[PoEntry]:
    return [entry for entry in _catalogue() if entry.msgid != ""]


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]", text))


# --- (a) the catalogue is complete ------------------------------------------------------------


def test_it_parses_the_catalogue_with_its_header():
    entries = _catalogue()
    header = entries[0]
    assert header.msgid == ""
    assert "Language: zh_Hans" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert len(_messages()) > 100


def test_it_gives_every_msgid_a_non_empty_msgstr():
    untranslated = [
        entry.label
        for entry in _messages()
        if not entry.msgstr or any(not value.strip() for value in entry.msgstr.values())
    ]
    assert untranslated == []


def test_it_leaves_no_entry_fuzzy():
    fuzzy = [entry.label for entry in _catalogue() if "fuzzy" in entry.flags]
    assert fuzzy == []


def test_it_keeps_every_python_format_placeholder():
    broken = [
        entry.label
        for entry in _messages()
        if "python-format" in entry.flags
        and any(_placeholders(value) != _placeholders(entry.msgid) for value in entry.msgstr.values())
    ]
    assert broken == []


def test_it_translates_into_chinese_not_english():
    # Every message carries at least one CJK character: a copied English source is not a translation.
    cjk = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [entry.label for entry in _messages() if not cjk.search(entry.msgstr.get(0, ""))]
    assert untranslated == []


def _code_msgids() -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every string the Python code wraps, extracted as makemessages does."""
    package = Path(settings.BASE_DIR) / "wenzheng"
    files = sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in package.rglob("*.py")
        if path.relative_to(package).parts[0] not in NOT_TRANSLATED
    )
    result = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--keyword=gettext_lazy",
            "--keyword=ngettext_lazy:1,2",
            "--keyword=pgettext:1c,2",
            "--keyword=npgettext:1c,2,3",
            "--keyword=pgettext_lazy:1c,2",
            "--keyword=npgettext_lazy:1c,2,3",
            "--output=-",
            *files,
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return {(entry.msgctxt, entry.msgid) for entry in parse_po(result.stdout) if entry.msgid}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_it_has_every_wrapped_string_of_the_code_in_the_catalogue():
    # A string wrapped in code after the last makemessages run shows in English in the Chinese UI.
    catalogue = {(entry.msgctxt, entry.msgid) for entry in _messages()}
    missing = sorted(_code_msgids() - catalogue, key=str)
    assert missing == [], "run makemessages -l zh_Hans and translate the new entries"


# --- (b) the compiled catalogue is current and used -------------------------------------------


def test_it_compiles_the_catalogue_after_its_last_edit():
    # Compare contents, not modification times: a fresh clone gives both files the checkout time.
    import gettext

    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    entries = [e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if e.msgid and "fuzzy" not in e.flags]
    stale = [
        e.label
        for e in entries
        if e.msgid_plural is None
        and compiled.get(e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}") != e.msgstr.get(0)
    ]
    assert not stale, f"django.mo does not match django.po (run compilemessages): {stale[:5]}"


def test_it_renders_model_and_role_names_in_chinese():
    with override("zh-hans"):
        assert str(Case._meta.verbose_name) == "留言"
        assert str(Role.LIAISON.label) == "联络员"


def test_it_renders_the_english_source_under_english():
    with override("en"):
        assert str(Case._meta.verbose_name) == "case"
        assert str(Role.LIAISON.label) == "Liaison"


def test_it_uses_the_glossary_for_the_chain_and_the_grades():
    expected = {
        "Case ledger": "留言台账",
        "Organisation and accounts": "组织与账号",
        "Core": "基础",
        "Liaison": "联络员",
        "Intake operator": "受理员",
        "Dispatcher": "交办员",
        "Reviewer": "审定人",
        "Supervisor": "督办员",
        "General": "一般",
        "Important": "重要",
        "Major and sensitive": "重大敏感",
        "Satisfied": "满意",
        "Basically satisfied": "基本满意",
        "Unsatisfied": "不满意",
        "lead unit": "主办单位",
        "co-handling units": "协办单位",
        "key supervision": "重点督办",
        "dispatch catalogue": "派单目录",
        "time-limit policies": "时限规则",
        "calendar overrides": "日历调整",
    }
    catalogue = {entry.msgid: entry.msgstr.get(0) for entry in _messages()}
    assert {source: catalogue.get(source) for source in expected} == expected


def _project_labels() -> list[tuple[str, Promise]]:
    """Every translatable label the project's models show: names, field names, help texts, choices."""
    labels: list[tuple[str, Promise]] = []
    for model in _project_models():
        where = model._meta.label
        labels += [(f"{where} verbose_name", model._meta.verbose_name)]
        labels += [(f"{where} verbose_name_plural", model._meta.verbose_name_plural)]
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, models.Field) or model_field.auto_created:
                continue
            labels.append((f"{where}.{model_field.name}", model_field.verbose_name))
            if model_field.help_text:
                labels.append((f"{where}.{model_field.name} help_text", model_field.help_text))
            for value, choice in model_field.flatchoices:
                labels.append((f"{where}.{model_field.name}={value}", choice))
    return [(where, label) for where, label in labels if isinstance(label, Promise)]


def _project_models() -> list[type[models.Model]]:
    return [model for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()]


def test_it_translates_every_model_field_and_choice_label():
    missing = []
    for where, label in _project_labels():
        with override("en"):
            english = str(label)
        with override("zh-hans"):
            chinese = str(label)
        if chinese == english:
            missing.append(f"{where}: {english!r}")
    assert missing == []


# --- (c) the admin comes out in Chinese -------------------------------------------------------


def _admin_index(client, language: str) -> str:
    user = User.objects.create_superuser(username="i18n-admin", email="admin@example.org", password="x" * 12)
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _row_label(page: str, model: type[models.Model]) -> str | None:
    opts = model._meta
    match = re.search(
        rf'<th scope="row" id="{opts.app_label}-{opts.object_name.lower()}">(.*?)</th>', page, re.S
    )
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else None


@pytest.mark.django_db
def test_it_shows_the_admin_index_in_chinese(client):
    page = _admin_index(client, "zh-hans")
    assert 'lang="zh-hans"' in page
    assert "留言台账" in page
    assert "组织与账号" in page
    assert "Case ledger" not in page
    assert "Organisation and accounts" not in page


@pytest.mark.django_db
def test_it_shows_every_registered_model_under_its_chinese_plural_name(client):
    page = _admin_index(client, "zh-hans")
    shown, untranslated = {}, []
    for model in admin.site._registry:
        opts = model._meta
        with override("zh-hans"):
            chinese = capfirst(str(opts.verbose_name_plural))
        with override("en"):
            english = capfirst(str(opts.verbose_name_plural))
        if chinese == english:
            untranslated.append(opts.label)
        shown[opts.label] = (_row_label(page, model), chinese)
    assert untranslated == []
    assert {label: row for label, (row, _) in shown.items()} == {
        label: chinese for label, (_, chinese) in shown.items()
    }


@pytest.mark.django_db
def test_it_shows_the_admin_index_in_english_when_asked(client):
    page = _admin_index(client, "en")
    assert "Case ledger" in page
    assert "留言台账" not in page
    assert _row_label(page, Case) == "Cases"
