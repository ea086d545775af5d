from wenzheng.casework.models import CaseEvent
from wenzheng.casework.workflow import State
from wenzheng.testing.chain import case_in_state


def test_it_walks_the_main_path_to_archive(world):
    case = case_in_state(world, State.ARCHIVED)
    case.refresh_from_db()
    assert case.state == State.ARCHIVED
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [
        "receive",
        "register",
        "assign",
        "claim",
        "draft_reply",
        "submit_reply",
        "approve",
        "publish",
        "follow_up",
        "archive",
    ]
    assert case.version == len(kinds)
