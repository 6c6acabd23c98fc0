"""Servers the benchmarks start, and what they read of the machine.

Every server here is started with the same gunicorn flags as the site in production
(sync workers, 2 unless BENCH_WORKERS says otherwise), so a ratio between two of them is
a ratio between two applications, not between two configurations.
"""

import http.client
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELLO = Path(__file__).resolve().parent / "hello"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
VARNISHD = os.environ.get("VARNISHD", shutil.which("varnishd") or "/usr/sbin/varnishd")
VARNISHSTAT = shutil.which("varnishstat") or str(Path(VARNISHD).parents[1] / "bin" / "varnishstat")
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
# The backend the project's VCL names; the benchmark's site listens elsewhere.
VCL_BACKEND = ("127.0.0.1", "8000")


def fetch(port, path, headers=None):
    """(status, headers, body) of one GET on a new connection, as a reader without
    keep-alive makes it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _gunicorn(app, port, cwd, env):
    return subprocess.Popen(  # noqa: S603
        [str(GUNICORN), app, "-b", f"127.0.0.1:{port}", "-w", str(WORKERS), "-t", "120"],
        cwd=cwd, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(port, path, process, headers=None):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"the server for {path} on port {port} stopped")
        try:
            status, _, _ = fetch(port, path, headers)
            if status < 500:
                return process
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"nothing answered {path} on port {port}")


def hello(port):
    """The bare hello-world project, run from its own directory: the site's code is not
    on its path. Only what Python needs of the environment is passed on."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env["DJANGO_SETTINGS_MODULE"] = "settings"
    return wait_for(port, "/hello/", _gunicorn("wsgi", port, HELLO, env))


def site(port, env, path="/"):
    """The site as production runs it; ``env`` carries its settings."""
    return wait_for(port, path, _gunicorn("config.wsgi", port, ROOT, env))


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def worker_memory(server):
    """RSS of each gunicorn worker, in MB."""
    sizes = []
    for pid in worker_pids(server):
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024)
    return sizes


class Varnish:
    """varnishd in front of the site on ``backend_port``, running the VCL ``source`` with
    its backend (the project's, 127.0.0.1:8000) moved to that port."""

    def __init__(self, port, backend_port, source):
        self.port = port
        self.workdir = Path(tempfile.mkdtemp(prefix="editorial-bench-varnish-"))
        host, default_port = VCL_BACKEND
        text = re.sub(r'(\.port\s*=\s*")' + default_port + '"', rf'\g<1>{backend_port}"', source)
        text = text.replace(f"{host}:{default_port}", f"{host}:{backend_port}")
        vcl = self.workdir / "bench.vcl"
        vcl.write_text(text)
        # varnishd run as root reads its VCL as its own unprivileged user.
        self.workdir.chmod(0o755)
        vcl.chmod(0o644)
        self.process = subprocess.Popen(  # noqa: S603
            [VARNISHD, "-F", "-n", str(self.workdir / "n"), "-a", f"127.0.0.1:{port}",
             "-f", str(vcl), "-s", "malloc,256m"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stats(self, *fields):
        out = subprocess.run(  # noqa: S603
            [VARNISHSTAT, "-n", str(self.workdir / "n"), "-1",
             *(arg for field in fields for arg in ("-f", field))],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        return {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line}

    def stop(self):
        stop(self.process)
        shutil.rmtree(self.workdir, ignore_errors=True)


def versions(database_url=None, redis_url=None):
    """The machine and the versions of what the figures were taken on."""
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    found = {
        "cores": str(os.cpu_count()),
        "CPU": cpu[1].strip() if cpu else platform.processor(),
        "Python": platform.python_version(),
    }
    try:
        import django

        found["Django"] = django.get_version()
    except ImportError:
        pass
    if database_url and database_url.startswith("postgres"):
        import psycopg

        with psycopg.connect(database_url) as db:
            found["PostgreSQL"] = db.execute("SHOW server_version").fetchone()[0]
    if redis_url:
        import redis

        found["Redis"] = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    try:
        out = subprocess.run([VARNISHD, "-V"], capture_output=True, text=True).stderr  # noqa: S603
        found["Varnish"] = re.search(r"varnish-([\d.]+)", out)[1]
    except (OSError, TypeError):
        pass
    return found


def load_average():
    return os.getloadavg()
