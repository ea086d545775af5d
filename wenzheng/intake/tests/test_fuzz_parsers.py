"""Property tests: arbitrary input to the importers and text parsers gives a clean result or the
documented error, never an unhandled exception (targets in wenzheng/testing/fuzz.py). Example counts
are bounded so the suite stays fast; ``bench/fuzz.py --minutes N`` runs the same targets for longer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from wenzheng.testing.fuzz import TARGETS, Target

# Enough to find shallow crashes on every run; the long search is bench/fuzz.py's job.
EXAMPLES = 60
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the machine is shared: time per example varies, and speed is not the question
    derandomize=True,  # the same examples on every run: a red test is a reproducible one
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)


def _run(target: Target) -> None:
    @SETTINGS
    @given(target.strategy)
    def check(value: object) -> None:
        target.run(value)

    check()


@pytest.mark.parametrize("target", [t for t in TARGETS if not t.needs_db], ids=lambda t: t.name)
def test_it_parses_arbitrary_input_without_crashing(target: Target) -> None:
    _run(target)


@pytest.mark.parametrize("target", [t for t in TARGETS if t.needs_db], ids=lambda t: t.name)
def test_it_parses_arbitrary_input_that_reads_the_database_without_crashing(db, target: Target) -> None:
    _run(target)


def test_it_covers_every_parser_named_in_the_security_brief() -> None:
    names = {t.name for t in TARGETS}
    assert {
        "board-csv",
        "board-xlsx",
        "email",
        "webhook-payload",
        "open311-params",
        "masking",
        "territory",
        "duplicates",
    } <= names


def test_it_reports_a_crash_a_target_finds() -> None:
    """The harness is not blind: a parser that raises an undocumented error fails the property."""

    def fragile(text: str) -> None:
        if "电梯" in text:
            raise KeyError(text)

    from hypothesis import strategies as st

    with pytest.raises(KeyError):
        _run(Target("fragile", st.sampled_from(["楼道灯", "电梯坏了"]), fragile))


@pytest.mark.parametrize("text", ["电话1391234567𝟖", "电话١٣٩١٢٣٤٥٦٧٨", "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖"])
def test_it_masks_a_phone_number_written_in_other_digits(text: str) -> None:
    """Found by bench/fuzz.py: mask_text folded only full-width digits."""
    from wenzheng.lib.masking import mask_text

    masked = mask_text(text)
    assert "****" in masked
    assert masked.count("*") == 4
