"""A lecture hall on one link: N students open the app at once, then each changes an input.

A protocol-level load generator: each session is a websocket to Streamlit's own endpoint
(``/_stcore/stream``) speaking its protobuf messages (``BackMsg.rerun_script`` in,
``ForwardMsg`` out), as a browser tab does, but without a browser. Each session

1. connects and runs the page with the lecture link's query string (``preset=lambda-gpt3-v100``)
   and waits for the script to finish: the *load* time;
2. changes the number of devices through the query string (a rerun with the new query string,
   as the browser's address bar or history would send it) and waits again: the *update* time.

With ``--page lecture`` each session opens the Lecture page's first claim (``/lecture?claim=gpt3-v100``,
the link a lecturer shares) and then steps to another claim (session i to claim i mod 7): the *update*.

It reports p50/p95 load and update times and full script runs per second, for the app and, in the
same run, for a one-metric Streamlit app (``benchmarks/one_metric_app.py``), and the ratio of
their runs per second. Bounded: at most ``MAX_SESSIONS`` sessions, a timeout per step, loopback
addresses only. It checks that no run failed and that every session got the numbers of its own
scenario (each session asks for a different device count).

    .venv/bin/python -m benchmarks.bench_load                       # 1, 25 and 100 sessions
    .venv/bin/python -m benchmarks.bench_load --sessions 100        # one size
    .venv/bin/python -m benchmarks.bench_load --sessions 100 --page lecture   # the Lecture page's claim links
    .venv/bin/python -m benchmarks.bench_load --url http://127.0.0.1:8080 --no-baseline   # an app already running
    .venv/bin/python -m benchmarks.bench_load --proxy 2 --sessions 100   # 2 processes behind nginx (deploy/)

The server is started here (``streamlit run``) unless ``--url`` names one (e.g. the nginx proxy of
``deploy/``). The load generator shares the machine with the server: on 2 cores it competes with it.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import ipaddress
import json
import os
import socket
import sys
import time
import urllib.parse
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from app_pages.ui.claim_ids import CLAIM_IDS  # noqa: F401 (the lecture's claims, one home; re-exported)
from deploy.cluster import Cluster, positive_int
from deploy.cluster import StreamlitProcess as Server

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
BASELINE_APP = ROOT / "benchmarks" / "one_metric_app.py"
MAX_SESSIONS = 500
STEP_TIMEOUT_S = 180.0        # one run, load or update, may take at most this long under load
LECTURE_QUERY = "preset=lambda-gpt3-v100"
WATCHED_METRIC = "Training time"
# The Lecture page (app.py's url path "lecture"): its claims in the lecture's order (app_pages/pages/lecture.py).
LECTURE_PAGE = "lecture"


@dataclass
class SessionResult:
    load_s: float | None = None
    update_s: float | None = None
    errors: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)  # after the update
    devices: int = 1


def _require_loopback(url: str) -> None:
    host = urllib.parse.urlparse(url).hostname or ""
    try:
        ok = ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise SystemExit(f"refusing to load {url}: this benchmark only runs against loopback addresses")


async def _run_once(ws, query: str, *, history: bool, page: str = "") -> tuple[float, list[str], dict[str, str]]:
    """One script run: send the rerun, read until the script finishes. (seconds, errors, metrics)"""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.is_history_navigation = history
    if page:
        msg.rerun_script.page_name = page
    t0 = time.perf_counter()
    await ws.send(msg.SerializeToString())
    errors: list[str] = []
    metrics: dict[str, str] = {}
    while True:
        data = await asyncio.wait_for(ws.recv(), timeout=STEP_TIMEOUT_S)
        fm = ForwardMsg()
        fm.ParseFromString(data)
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            el = fm.delta.new_element
            which = el.WhichOneof("type")
            if which == "exception":
                errors.append(f"exception: {el.exception.type}: {el.exception.message[:200]}")
            elif which == "metric":
                metrics[el.metric.label] = el.metric.body
        elif kind == "script_finished":
            if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                errors.append("script failed to compile")
            if fm.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                return time.perf_counter() - t0, errors, metrics


async def one_session(base_url: str, devices: int, start: asyncio.Event, page: str = "") -> SessionResult:
    import websockets
    ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    res = SessionResult(devices=devices)
    await start.wait()
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=STEP_TIMEOUT_S,
                                      ping_interval=None) as ws:
            if page == LECTURE_PAGE:  # the first claim, then another (the one-metric baseline takes no page)
                first, then = f"claim={CLAIM_IDS[0]}", f"claim={CLAIM_IDS[devices % len(CLAIM_IDS)]}"
            else:
                first, then = LECTURE_QUERY, f"{LECTURE_QUERY}&devices={devices}"
            res.load_s, errs, _ = await _run_once(ws, first, history=False, page=page)
            res.errors += errs
            res.update_s, errs, res.metrics = await _run_once(ws, then, history=True, page=page)
            res.errors += errs
            if page and not res.metrics:  # a claim always draws its numbers: none means the page did not run
                res.errors.append(f"no metric drawn for {then}")
    except (TimeoutError, OSError, websockets.WebSocketException) as exc:
        res.errors.append(f"{type(exc).__name__}: {exc}")
    return res


@dataclass
class LoadReport:
    sessions: int
    wall_s: float
    results: list[SessionResult]

    @property
    def errors(self) -> list[str]:
        return [e for r in self.results for e in r.errors]

    def _q(self, values, q):
        values = sorted(v for v in values if v is not None)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]

    @property
    def load_p50(self): return self._q([r.load_s for r in self.results], 0.5)
    @property
    def load_p95(self): return self._q([r.load_s for r in self.results], 0.95)
    @property
    def update_p50(self): return self._q([r.update_s for r in self.results], 0.5)
    @property
    def update_p95(self): return self._q([r.update_s for r in self.results], 0.95)

    @property
    def runs_per_s(self) -> float:
        runs = sum((r.load_s is not None) + (r.update_s is not None) for r in self.results)
        return runs / self.wall_s

    def to_dict(self) -> dict:
        return {"sessions": self.sessions, "wall_s": self.wall_s, "load_p50_s": self.load_p50,
                "load_p95_s": self.load_p95, "update_p50_s": self.update_p50, "update_p95_s": self.update_p95,
                "runs_per_s": self.runs_per_s, "errors": len(self.errors)}


async def run_load(base_url: str, sessions: int, page: str = "") -> LoadReport:
    """``sessions`` sessions at once; session i asks for 1 + (i mod 64) devices (on the Lecture page, for a claim)."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise SystemExit(f"--sessions must be from 1 to {MAX_SESSIONS}")
    _require_loopback(base_url)
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_session(base_url, 1 + (i % 64), start, page)) for i in range(sessions)]
    await asyncio.sleep(0.1)
    t0 = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    return LoadReport(sessions, time.perf_counter() - t0, list(results))


def own_scenario_mix_ups(report: LoadReport, expected: dict[int, str]) -> list[str]:
    """Sessions whose watched metric is not their own scenario's (``expected``: devices → text)."""
    bad = []
    for r in report.results:
        if r.errors or r.update_s is None or r.devices not in expected:
            continue
        got = r.metrics.get(WATCHED_METRIC)
        if got != expected[r.devices]:
            bad.append(f"{r.devices} devices: got {got!r}, expected {expected[r.devices]!r}")
    return bad


def expected_metrics(sessions: int) -> dict[int, str]:
    sys.path.insert(0, str(ROOT))
    from estimator.report import humanize as hz
    from estimator.services import api
    out = {}
    for i in range(min(sessions, 64)):
        d = 1 + i
        out[d] = hz.duration(api.run(preset_id="lambda-gpt3-v100", devices=d).estimate.wall_clock_s)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """The coroutine ``make()`` run to its end: in this thread, or in a thread of its own where this thread already
    runs an event loop (a test process where Playwright's sync API has started one: asyncio.run refuses there).
    The coroutine is made in the thread that runs it, so none is left never awaited."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def warm(url: str, page: str = "") -> None:
    """One session first, so that imports and caches are not counted as load."""
    run_sync(lambda: run_load(url, 1, page))


def measure(url: str, sizes, page: str = "") -> list[LoadReport]:
    warm(url, page)
    return [run_sync(lambda n=n: run_load(url, n, page)) for n in sizes]


def table(title: str, reports: list[LoadReport]) -> str:
    lines = [title, f"{'sessions':>8}  {'load p50':>9}  {'load p95':>9}  {'update p50':>10}  {'update p95':>10}  "
                    f"{'runs/s':>7}  errors"]
    for r in reports:
        if not r.runs_per_s:  # no session got through: no times to print (they would read "nan")
            lines.append(f"{r.sessions:>8}  {'no session completed':>51}  {len(r.errors)}")
            continue
        lines.append(f"{r.sessions:>8}  {r.load_p50:>8.2f}s  {r.load_p95:>8.2f}s  {r.update_p50:>9.2f}s  "
                     f"{r.update_p95:>9.2f}s  {r.runs_per_s:>7.1f}  {len(r.errors)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=positive_int, nargs="+", default=[1, 25, 100])
    ap.add_argument("--url", help="an app already running (loopback only); default: start app.py here")
    ap.add_argument("--no-baseline", action="store_true", help="skip the one-metric app")
    ap.add_argument("--proxy", type=positive_int, metavar="N",
                    help="start N app processes behind nginx (deploy/nginx.conf) and load them through it")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--page", choices=("estimate", LECTURE_PAGE), default="estimate",
                    help="estimate: the lecture link /?preset=lambda-gpt3-v100, then a change of devices (default); "
                         "lecture: /lecture?claim=gpt3-v100, then another claim")
    args = ap.parse_args(argv)
    page = LECTURE_PAGE if args.page == LECTURE_PAGE else ""
    # the machine is shared: the load it had is part of the figure (docs/explanation/capacity.md)
    print(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    out = {"sessions": args.sessions}
    if args.url:
        app_reports = measure(args.url, args.sessions, page)
    elif args.proxy is not None:
        with Cluster(args.proxy, listen=f"127.0.0.1:{free_port()}",
                     ports=[free_port() for _ in range(args.proxy)]) as cluster:
            app_reports = measure(cluster.url, args.sessions, page)
    else:
        with Server(APP, free_port()) as server:
            app_reports = measure(server.url, args.sessions, page)
    print(f"load average before the baseline: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(table("app.py (Lecture page, the first claim, then another)" if page else
                "app.py (Estimate page, lecture link, then a change of devices)", app_reports))
    out["app"] = [r.to_dict() for r in app_reports]
    expected = {} if page else expected_metrics(max(args.sessions))  # a claim has no scenario of its own
    mixups = [m for r in app_reports for m in own_scenario_mix_ups(r, expected)]
    out["mix_ups"] = mixups
    if not args.no_baseline:
        with Server(BASELINE_APP, free_port()) as server:
            base_reports = measure(server.url, args.sessions)
        print()
        print(table("one_metric_app.py (the same two runs of a one-metric page)", base_reports))
        out["baseline"] = [r.to_dict() for r in base_reports]
        print()
        for a, b in zip(app_reports, base_reports):
            if not (a.runs_per_s and b.runs_per_s):
                print(f"{a.sessions:>4} sessions: no ratio (a run with no completed session)")
                continue
            ratio = a.runs_per_s / b.runs_per_s
            out.setdefault("ratio_runs_per_s", {})[a.sessions] = ratio
            print(f"{a.sessions:>4} sessions: app runs/s ÷ one-metric app runs/s = {ratio:.2f}")
    errors = [e for r in app_reports for e in r.errors]
    print(f"\nerrors: {len(errors)}; sessions showing another session's numbers: {len(mixups)}")
    for e in (errors + mixups)[:5]:
        print("  " + e)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 1 if errors or mixups else 0


if __name__ == "__main__":
    raise SystemExit(main())
