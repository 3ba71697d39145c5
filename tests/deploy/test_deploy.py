"""The lecture-hall deployment (deploy/): several app processes behind nginx, sticky per browser.

The live tests start 2 app processes and nginx on loopback; they need Debian's nginx, which
.ci/run installs. Without it they skip here and fail under CI=true, like the browser tests.
"""

from __future__ import annotations

import fnmatch
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import bench_load
from deploy.cluster import NGINX_CONF, ROOT, Cluster, nginx_config, stop_process, wait_healthy

TEMPLATE = NGINX_CONF.read_text()


def test_config_keeps_websocket_headers_and_a_long_read_timeout():
    for line in ("proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;",
                 "proxy_http_version 1.1;", "hash $cce_route consistent;", "proxy_read_timeout 86400s;"):
        assert line in TEMPLATE, line


def test_config_rewrites_listen_and_upstreams_only():
    conf = nginx_config(TEMPLATE, "0.0.0.0:80", [9001, 9002, 9003])
    assert "listen 0.0.0.0:80;" in conf and "listen 127.0.0.1:8080;" not in conf
    assert [ln.strip() for ln in conf.splitlines() if ln.strip().startswith("server 127")] == [
        "server 127.0.0.1:9001;", "server 127.0.0.1:9002;", "server 127.0.0.1:9003;"]
    assert conf.replace("0.0.0.0:80", "127.0.0.1:8080").count("\n") == TEMPLATE.count("\n") + 1


def test_a_taken_port_is_refused_before_any_process_starts():
    """Newcomer audit: with `streamlit run app.py` on 8501 (the README's app command), the cluster's
    own 8501 process died while the other app answered its health check; it reported 2 processes."""
    import socket

    from deploy.cluster import BASE_PORT, StreamlitProcess
    assert BASE_PORT != 8501  # clear of Streamlit's default, where the README's app command listens
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = StreamlitProcess(port=port)
        with pytest.raises(RuntimeError, match=f"port {port} on 127.0.0.1 is taken .*--base-port"):
            app.__enter__()
        assert not hasattr(app, "proc")  # refused before any process started


def test_config_without_upstreams_is_refused():
    with pytest.raises(ValueError, match="upstream server"):
        nginx_config("http {\n  server {\n    listen 1;\n  }\n}\n", "127.0.0.1:1", [1])


@pytest.fixture(scope="module")
def cluster():
    if shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None:
        reason = "nginx not installed (apt-get install nginx)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the deployment test must run)")
        pytest.skip(reason)
    with Cluster(2, listen=f"127.0.0.1:{bench_load.free_port()}",
                 ports=[bench_load.free_port(), bench_load.free_port()]) as c:
        yield c


def _upstream(opener, url: str) -> str:
    with opener.open(f"{url}/_stcore/health", timeout=10) as r:
        assert r.status == 200
        return r.headers["X-Upstream"]


@pytest.mark.slow
def test_new_browsers_spread_over_both_processes_and_each_stays_on_its_own(cluster):
    firsts = Counter()
    for _ in range(16):
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        first = _upstream(browser, cluster.url)
        assert any(c.name == "cce_route" for c in jar)
        assert {_upstream(browser, cluster.url) for _ in range(4)} == {first}  # sticky
        firsts[first] += 1
    assert set(firsts) == {f"127.0.0.1:{p}" for p in cluster.ports}


@pytest.mark.slow
def test_load_through_the_proxy_has_no_errors_and_no_mix_ups(cluster):
    sessions = 8
    bench_load.warm(cluster.url)
    report = bench_load.run_sync(lambda: bench_load.run_load(cluster.url, sessions))
    assert report.errors == []
    assert all(r.load_s is not None and r.update_s is not None for r in report.results)
    assert bench_load.own_scenario_mix_ups(report, bench_load.expected_metrics(sessions)) == []


# --- the container recipe (deploy/Dockerfile) ---------------------------------------------
# Docker's daemon is not available where this project is developed and tested, so the image is
# never built here. These tests hold the recipe to the repository instead: what it copies
# exists and is not excluded, it runs as a non-root user, and its command and health check,
# replayed on a copy of exactly the files it copies, serve the lecture link's numbers.

DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines, joined = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        if not joined and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        joined += raw.rstrip().removesuffix("\\") + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            lines.append(joined)
            joined = ""
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1].strip()) for ln in lines]


def _copies() -> list[str]:
    return [args.split()[0] for op, args in dockerfile_instructions() if op == "COPY"]


def _exec_form(op: str) -> list[str]:
    args = dict(dockerfile_instructions())[op]
    return json.loads(args[args.index("["):])


def test_dockerfile_pins_its_base_and_runs_as_a_user():
    ops = dockerfile_instructions()
    assert ops[0][0] == "FROM" and ":" in ops[0][1] and not ops[0][1].endswith(":latest")
    assert ops[0][1].split(":")[1].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    users = [args for op, args in ops if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    # the user can read what was copied, whatever the modes on the build machine
    last_copy = max(i for i, (op, _) in enumerate(ops) if op == "COPY")
    assert any(op == "RUN" and "chmod -R a+rX /app" in args for op, args in ops[last_copy:])
    assert ("RUN", "pip install -r requirements.txt") in ops  # the app's own requirements, not the tests'


def _dockerignored(rel: str) -> bool:
    """Whether .dockerignore keeps ``rel`` (a path relative to the repository) out of the build."""
    patterns = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
                if ln.strip() and not ln.startswith("#")]
    parts = rel.split("/")
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(parts[-1], p.removeprefix("**/"))
               or any(fnmatch.fnmatch("/".join(parts[:i]), p) for i in range(1, len(parts)))
               for p in patterns)


def test_dockerfile_copies_what_exists_and_is_not_ignored():
    for src in _copies():
        assert (ROOT / src).exists(), src
        assert not _dockerignored(src), src
    assert {"app.py", "app_pages", "estimator", "profiles", ".streamlit"} <= set(_copies())
    assert _dockerignored(".venv/bin/python") and _dockerignored("estimator/__pycache__/x.pyc")


@pytest.mark.slow
def test_dockerfile_command_serves_the_lecture_link_from_the_copied_files_only(tmp_path):
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    def ignore(folder, names):  # the build context: what .dockerignore leaves
        rel = Path(folder).relative_to(ROOT).as_posix()
        return [n for n in names if _dockerignored(f"{rel}/{n}")]

    for src in _copies():
        if (ROOT / src).is_dir():
            shutil.copytree(ROOT / src, app_dir / src, ignore=ignore)
        else:
            shutil.copyfile(ROOT / src, app_dir / src)
    port = bench_load.free_port()
    cmd = [sys.executable if a == "python" else a for a in _exec_form("CMD")]
    cmd[cmd.index("--server.port") + 1] = str(port)
    cmd[cmd.index("--server.address") + 1] = "127.0.0.1"  # the container's 0.0.0.0, on loopback here
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.Popen(cmd, cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, "the Dockerfile's CMD")
        health = [sys.executable if a == "python" else a for a in _exec_form("HEALTHCHECK")]
        health[-1] = health[-1].replace("8501", str(port))
        assert subprocess.run(health, cwd=app_dir, timeout=30).returncode == 0
        report = bench_load.run_sync(lambda: bench_load.run_load(url, 1))
        assert report.errors == []
        assert report.results[0].metrics["Training time"] == "355 years"  # 1 device: the lecture's figure
    finally:
        stop_process(proc)


def test_ports_past_65535_are_one_error_line(capsys):
    """Review: --base-port 65535 --processes 2 ended in an OverflowError traceback."""
    from deploy.cluster import main
    assert main(["--base-port", "65535", "--processes", "2"]) == 2
    err = capsys.readouterr().err
    assert err == "error: 2 processes from port 65535 would need port 65536, past 65535: give a lower --base-port\n"
