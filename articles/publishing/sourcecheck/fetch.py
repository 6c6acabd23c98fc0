"""One check of one address: HEAD first, else a ranged GET read to a few KB, following
up to MAX_REDIRECTS redirects, each hop checked before it is fetched.

Only http and https are fetched; a redirect elsewhere (ftp:, javascript:, file:) ends the
check. Hosts on private, loopback or link-local networks are refused unless
settings.LINK_CHECK_ALLOW_PRIVATE (the tests' local server). No cookie is kept or sent,
and each host is asked at most once every settings.LINK_CHECK_HOST_INTERVAL seconds.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

MAX_REDIRECTS = 5
# What a GET may read of a body: enough to know the server answers, never a whole page.
MAX_BYTES = 4096
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}

# What a check found, before it is weighed against earlier checks (run.py).
OK, FAILED, BLOCKED, REFUSED = "ok", "failed", "blocked", "refused"


@dataclass
class Result:
    outcome: str
    http_status: int | None = None
    final_url: str = ""
    # Whether any redirect was followed, and whether every one of them was permanent.
    redirected: bool = False
    permanent: bool = False
    error: str = ""
    seconds: float = 0.0

    @property
    def moved(self):
        return self.outcome == OK and self.redirected and self.permanent


def user_agent():
    """An honest name: the site, its address and who to write to."""
    contact = parseaddr(settings.LINK_CHECK_CONTACT)[1] or settings.LINK_CHECK_CONTACT
    return f"{settings.SITE_NAME} source checker (+{settings.SITE_URL}; {contact})"


def refusal(url, allow_private=None):
    """Why ``url`` is not fetched, or "" when it may be; ``allow_private`` stands in for
    settings.LINK_CHECK_ALLOW_PRIVATE (webhooks and IndexNow have their own setting)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a valid address"
    if parts.scheme not in ("http", "https"):
        return "not a web address"
    if not parts.hostname:
        return "no host"
    if settings.LINK_CHECK_ALLOW_PRIVATE if allow_private is None else allow_private:
        return ""
    try:
        found = socket.getaddrinfo(
            parts.hostname, port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )  # fmt: skip
    except (OSError, UnicodeError):
        return ""  # no such host: the request fails, and is counted as a failure
    for *_, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global:
            return "a private network address"
    return ""


class Throttle:
    """At most one request per host every ``interval`` seconds; ``log`` keeps
    (host, moment) of each request, for the run's summary and the tests."""

    def __init__(self, interval, clock=time.monotonic, sleep=time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.last, self.log = {}, []

    def wait(self, host):
        now = self.clock()
        due = self.last.get(host)
        if due is not None and self.interval > 0 and now < due + self.interval:
            self.sleep(due + self.interval - now)
            now = self.clock()
        self.last[host] = now
        self.log.append((host, now))

    @property
    def requests(self):
        return len(self.log)

    def closest(self):
        """The shortest time between two requests to one host, or None."""
        gaps, seen = [], {}
        for host, moment in self.log:
            if host in seen:
                gaps.append(moment - seen[host])
            seen[host] = moment
        return min(gaps) if gaps else None


class Checker:
    def __init__(self, throttle=None):
        self.throttle = throttle or Throttle(settings.LINK_CHECK_HOST_INTERVAL)
        self.pool = urllib3.PoolManager(
            retries=False,  # redirects are followed here, one checked hop at a time
            timeout=urllib3.Timeout(
                connect=settings.LINK_CHECK_CONNECT_TIMEOUT, read=settings.LINK_CHECK_READ_TIMEOUT
            ),
            headers={"User-Agent": user_agent(), "Accept": "*/*"},
            maxsize=1,
        )

    def check(self, url):
        current, redirected, permanent, spent = url, False, True, 0.0
        for _ in range(MAX_REDIRECTS + 1):
            if reason := refusal(current):
                return Result(REFUSED, final_url=current, error=reason, seconds=spent)
            try:
                code, location, seconds = self._ask(current)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
                return Result(FAILED, final_url=current, error=_reason(error), seconds=spent)
            spent += seconds
            if code in REDIRECTS and location:
                redirected, permanent = True, permanent and code in PERMANENT
                current = urljoin(current, location)
                continue
            outcome = OK if code < 400 else FAILED if code in (404, 410) or code >= 500 else BLOCKED
            return Result(outcome, code, current, redirected, redirected and permanent,
                          seconds=spent)  # fmt: skip
        return Result(FAILED, final_url=current, error="too many redirects", seconds=spent)

    def _ask(self, url):
        """(status, Location, seconds) from HEAD, or from a ranged GET when HEAD is refused."""
        code, location, seconds = self._request("HEAD", url)
        if code >= 400:
            code, location, more = self._request("GET", url, {"Range": f"bytes=0-{MAX_BYTES - 1}"})
            seconds += more
        return code, location, seconds

    def _request(self, method, url, headers=None):
        self.throttle.wait(urlsplit(url).hostname)
        started = time.monotonic()
        response = self.pool.request(
            method, url, headers={**self.pool.headers, **(headers or {})},
            redirect=False, preload_content=False,
        )  # fmt: skip
        try:
            if method == "GET":
                response.read(MAX_BYTES)  # the first bytes, then the connection is closed
        finally:
            response.close()
            response.release_conn()
        return response.status, response.headers.get("Location", ""), time.monotonic() - started


def _reason(error):
    """A short reason for a request that got no answer."""
    text = str(error).lower()
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
        return "no such host"
    # (A refused connection is a NewConnectionError, which urllib3 makes a timeout too.)
    if isinstance(error, urllib3.exceptions.NewConnectionError) and "timed out" not in text:
        return "no connection"
    if isinstance(error, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return "timed out"
    if isinstance(error, urllib3.exceptions.SSLError):
        return "certificate or TLS error"
    if isinstance(error, urllib3.exceptions.HTTPError | OSError):
        return "no connection"
    return type(error).__name__[:200]
