"""Start N ``streamlit run app.py`` processes and nginx in front of them, with ``deploy/nginx.conf``.

    .venv/bin/python -m deploy.cluster                          # 2 processes, http://127.0.0.1:8080
    .venv/bin/python -m deploy.cluster --processes 4 --listen 0.0.0.0:8080 --base-port 8511

The nginx configuration is ``deploy/nginx.conf`` with its ``listen`` line and its upstream
``server`` lines replaced by the ones asked for; nginx runs unprivileged in a temporary prefix
(pid file, logs, temp files). Ctrl-C stops everything. ``Cluster`` is the same as a context
manager, used by ``benchmarks/bench_load.py --proxy`` and the deployment test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
NGINX_CONF = Path(__file__).resolve().parent / "nginx.conf"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.25
# The app processes' first port: clear of Streamlit's default 8501, where the README's app command
# (and a developer's `streamlit run`) listens.
BASE_PORT = 8511
MAX_PORT = 65535  # TCP ports are 16-bit (RFC 793)


def require_free_port(host: str, port: int, what: str) -> None:
    """Refuse a port another program holds: the health check would be answered by it (newcomer
    audit: with `streamlit run app.py` on 8501, the cluster reported 2 processes while its own
    8501 process had died, and nginx sent half the sessions to the other app)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as Streamlit's server binds (SO_REUSEADDR): a port left in TIME_WAIT by a stopped cluster is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            raise RuntimeError(f"port {port} on {host} is taken (another app, or an earlier cluster): "
                               f"stop it, or give {what} another port") from None


def wait_healthy(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(POLL_S)
    raise RuntimeError(f"{what} did not answer {url}/_stcore/health within {START_TIMEOUT_S:g} s")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class StreamlitProcess:
    """``streamlit run APP`` on ``host:port`` in a subprocess, for the duration of a ``with``.
    Run from the repository root, so that ``.streamlit/config.toml`` applies."""

    def __init__(self, app: Path = APP, port: int = 8501, host: str = "127.0.0.1"):
        self.app, self.port, self.host = app, port, host
        self.url = f"http://{host}:{port}"

    def __enter__(self) -> StreamlitProcess:
        require_free_port(self.host, self.port, "the app processes (--base-port)")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(self.app), "--server.address", self.host,
             "--server.port", str(self.port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_healthy(self.url, self.proc, f"streamlit run {self.app.name}")
        except RuntimeError:
            stop_process(self.proc)
            raise
        return self

    def __exit__(self, *exc) -> None:
        stop_process(self.proc)


def nginx_config(template: str, listen: str, upstream_ports: list[int], upstream_host: str = "127.0.0.1") -> str:
    """``template`` (deploy/nginx.conf) with its listen address and upstream servers replaced."""
    conf, n = re.subn(r"^(\s*)listen\s+[^;]+;", lambda m: f"{m.group(1)}listen {listen};", template, flags=re.M)
    if n != 1:
        raise ValueError(f"expected one listen line in the nginx template, found {n}")
    servers = [m for m in re.finditer(r"^(\s*)server\s+[\d.]+:\d+;\n", conf, flags=re.M)]
    if not servers:
        raise ValueError("the nginx template has no upstream server lines")
    indent = servers[0].group(1)
    new = "".join(f"{indent}server {upstream_host}:{p};\n" for p in upstream_ports)
    return conf[:servers[0].start()] + new + conf[servers[-1].end():]


class Cluster:
    """``processes`` app processes on ``base_port``, ``base_port + 1``, … (or on ``ports``) and nginx on
    ``listen``."""

    def __init__(self, processes: int = 2, listen: str = "127.0.0.1:8080", base_port: int = BASE_PORT,
                 app: Path = APP, nginx: str = "nginx", ports: list[int] | None = None):
        if processes < 1:
            raise ValueError("a cluster needs at least one process")
        self.ports = list(ports) if ports else [base_port + i for i in range(processes)]
        if max(self.ports) > MAX_PORT:
            raise ValueError(f"{processes} processes from port {base_port} would need port {max(self.ports)}, past "
                             f"{MAX_PORT}: give a lower --base-port")
        self.listen, self.app = listen, app
        self.nginx = shutil.which(nginx) or shutil.which(nginx, path="/usr/sbin:/sbin")
        if self.nginx is None:
            raise RuntimeError("nginx not found (Debian: apt-get install nginx)")
        host, _, port = listen.rpartition(":")
        self.url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"

    def __enter__(self) -> Cluster:
        self._apps: list[StreamlitProcess] = []
        self._dir = tempfile.TemporaryDirectory(prefix="cce-nginx-")
        try:
            for p in self.ports:
                self._apps.append(StreamlitProcess(self.app, p).__enter__())
            run = Path(self._dir.name)
            (run / "tmp").mkdir()
            conf = run / "nginx.conf"
            conf.write_text(nginx_config(NGINX_CONF.read_text(), self.listen, self.ports))
            self.error_log = run / "error.log"
            self.proc = subprocess.Popen([self.nginx, "-p", str(run), "-c", str(conf), "-e", str(self.error_log),
                                          "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            wait_healthy(self.url, self.proc, "nginx")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if hasattr(self, "proc"):
            stop_process(self.proc)
        for a in reversed(self._apps):
            a.__exit__()
        self._dir.cleanup()


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (0 or -1 processes is not a cluster)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def port(text: str) -> int:
    n = positive_int(text)
    if n > MAX_PORT:
        raise argparse.ArgumentTypeError(f"a port is at most {MAX_PORT}, got {n}")
    return n


def listen_address(text: str) -> str:
    """An argparse type: host:port, as nginx's listen directive takes it ("0.0.0.0:80")."""
    host, sep, number = text.rpartition(":")
    if not sep or not host or not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
        raise argparse.ArgumentTypeError(f"expected host:port, such as 127.0.0.1:8080, got {text!r}")
    port(number)
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--processes", type=positive_int, default=2, help="Streamlit processes (one per core is a good start)")
    ap.add_argument("--listen", type=listen_address, default="127.0.0.1:8080",
                    help="nginx's address (0.0.0.0:8080 to serve a room; a port below 1024 needs root)")
    ap.add_argument("--base-port", type=port, default=BASE_PORT,
                    help=f"the first app process's port (loopback; default {BASE_PORT}, clear of a "
                         "`streamlit run` on 8501)")
    args = ap.parse_args(argv)
    try:
        with Cluster(args.processes, args.listen, args.base_port) as cluster:
            print(f"serving {APP.name} with {args.processes} processes on {cluster.url} (Ctrl-C stops)", flush=True)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            while cluster.proc.poll() is None:
                time.sleep(1)
            log = cluster.error_log.read_text(errors="replace").strip().splitlines()
            print(f"error: nginx exited: {log[-1] if log else 'no message'}", file=sys.stderr)
            return 1
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
