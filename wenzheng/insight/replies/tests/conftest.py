import pytest


@pytest.fixture(autouse=True)
def _index_cache_forgets():
    # The loaded indexes are cached per process; each test has its own database.
    from wenzheng.insight.replies.retrieval import forget

    forget()
    yield
    forget()
