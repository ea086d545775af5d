"""What the benchmarks share: their own PostgreSQL databases, Django set-up, percentiles, the
machine's description and load, the synthetic vocabulary (our own text, not the real exports), and
writing results as JSON plus a markdown row.

Every benchmark creates the database it measures and drops it afterwards; never point one at a
database you want to keep.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def bench_url(name: str) -> str:
    """DATABASE_URL when set (the caller chose), else a database of this name on the local server."""
    return os.environ.get("DATABASE_URL") or f"{PG_SERVER}/{name}"


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.lstrip("/"), urlunsplit(parts._replace(path="/postgres"))


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    """DROP (forcing other sessions off) and CREATE the database named in ``url``."""
    import psycopg
    from psycopg import sql

    name, admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_exists(url: str) -> bool:
    import psycopg

    name, admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def shown(url: str) -> str:
    """The URL without a password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}@{host}:{parts.port or 5432}"))


def setup_django(url: str, *, migrate: bool = True, settings_module: str = "wenzheng.settings") -> None:
    """Point Django at ``url`` (settings read DATABASE_URL when Django starts) and set it up."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    # Jobs that actions schedule after commit go to a queue nobody consumes in a benchmark run
    # unless the caller chose one: measure the request, not a job run inline.
    os.environ.setdefault("WENZHENG_QUEUE_URL", "redis://127.0.0.1:6379/13")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log: it would measure the logging
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile by nearest rank, rounded to 0.1."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * p / 100))
    return round(ordered[rank - 1], 1)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """``with timed() as t: …`` then ``t["seconds"]``."""
    out: dict[str, float] = {}
    started = time.perf_counter()
    try:
        yield out
    finally:
        out["seconds"] = time.perf_counter() - started


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else ""


def emit(result: dict[str, Any], header: Sequence[str], row: Sequence[Any]) -> None:
    """Print the result as one JSON object, then a markdown table of one row."""
    print(json.dumps(result, ensure_ascii=False))
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _h in header) + "|")
    print("| " + " | ".join(str(v) for v in row) + " |")


# --- Synthetic vocabulary (our own text, not the real exports) ---------------------------------

PLACES = [
    "东湖区",
    "西城区",
    "南岭区",
    "北山县",
    "滨江街道",
    "桂园社区",
    "新港镇",
    "青石村",
    "望月小区",
    "环城路",
]
TOPICS = [
    ("路灯", "夜间不亮，行人摔倒过好几次"),
    ("噪音", "工地晚上十点以后还在施工，影响休息"),
    ("招生", "孩子入学划片不清楚，咨询多次无果"),
    ("供暖", "暖气温度一直达不到标准"),
    ("停车", "小区门口占道停车严重，消防通道被堵"),
    ("饮水", "自来水发黄，有异味"),
    ("工资", "项目完工半年，工钱一直没有结清"),
    ("公交", "线路调整后上下班换乘不便"),
    ("垃圾", "垃圾站满了没人清运，气味很大"),
    ("物业", "物业费上涨却不公示收支"),
]
LABELS = ["城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生"]
SENTENCES = [
    "希望有关部门尽快核实处理。",
    "这个问题已经持续了很长时间。",
    "周边居民意见很大，多次反映没有结果。",
    "请领导关注一下，谢谢！",
    "附近还有老人和小孩，安全隐患很大。",
    "之前打过热线，答复说会安排人员查看。",
]
REPLY_SENTENCES = [
    "收到留言后，我单位高度重视，立即组织人员进行现场核查。",
    "经调查，情况基本属实，已责成相关单位限期整改。",
    "目前问题已经处理完毕，后续将加强日常巡查。",
    "如有疑问，可拨打服务热线咨询。",
    "感谢您对我们工作的关心和支持。",
]
