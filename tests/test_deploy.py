"""The lecture-hall deployment (deploy/): several app processes behind nginx, sticky per browser.

The live tests start 2 app processes and nginx on loopback; they need Debian's nginx, which
.ci/run installs. Without it they skip here and fail under CI=true, like the browser tests.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import shutil
import urllib.request
from collections import Counter

import pytest

from benchmarks import bench_load
from deploy.cluster import NGINX_CONF, Cluster, nginx_config

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
    report = asyncio.run(bench_load.run_load(cluster.url, sessions))
    assert report.errors == []
    assert all(r.load_s is not None and r.update_s is not None for r in report.results)
    assert bench_load.own_scenario_mix_ups(report, bench_load.expected_metrics(sessions)) == []
