"""Settings of the benchmark's own server: the project's settings (from the environment, as in
production) plus one URL module that adds the bench-only bare intake view."""

from wenzheng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"
