"""The link checker: what it fetches, how politely, and what it records."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from articles.models import SourceCheck
from articles.publishing.sourcecheck import fetch, run

NOW = timezone.now()


class Site:
    """A local web server whose answers the test sets: {path: (status, headers)}."""

    def __init__(self):
        self.routes, self.seen = {}, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body):
                site.seen.append((self.command, self.path, dict(self.headers)))
                status, headers = site.routes.get(self.path, (404, {}))
                if self.command == "HEAD" and headers.get("no-head"):
                    status = 405
                self.send_response(status)
                for name, value in headers.items():
                    if name != "no-head":
                        self.send_header(name, value)
                payload = b"x" * 100_000 if body else b""
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if body:
                    try:
                        self.wfile.write(payload)
                    except OSError:
                        pass  # the checker closed the connection after a few KB

            def do_HEAD(self):  # noqa: N802
                self._answer(body=False)

            def do_GET(self):  # noqa: N802
                self._answer(body=True)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return self.base + path


@pytest.fixture
def site():
    server = Site()
    yield server
    server.server.shutdown()
    server.server.server_close()


def check(url):
    return fetch.Checker().check(url)


def test_a_page_that_answers_is_ok_with_one_head_request(site):
    """A 200 to HEAD is OK, with no GET and the site's honest User-Agent."""
    site.routes["/fine"] = (200, {})
    result = check(site.url("/fine"))
    assert (result.outcome, result.http_status, result.redirected) == (fetch.OK, 200, False)
    assert [(method, path) for method, path, _ in site.seen] == [("HEAD", "/fine")]
    agent = site.seen[0][2]["User-Agent"]
    assert agent.startswith("Wellbeing Journal source checker (+https://example.test;")
    assert "@" in agent


def test_head_refused_falls_back_to_a_ranged_get(site):
    """A 405 to HEAD is asked again with a GET for the first few KB only."""
    site.routes["/get-only"] = (200, {"no-head": "1"})
    result = check(site.url("/get-only"))
    assert result.outcome == fetch.OK
    methods = [(method, headers.get("Range")) for method, _, headers in site.seen]
    assert methods == [("HEAD", None), ("GET", f"bytes=0-{fetch.MAX_BYTES - 1}")]


def test_redirects_are_followed_and_recorded_as_permanent_or_not(site):
    """301s to a page are a permanent move to it; a 302 on the way makes it temporary."""
    site.routes["/old"] = (301, {"Location": "/older"})
    site.routes["/older"] = (308, {"Location": site.url("/new")})
    site.routes["/new"] = (200, {})
    site.routes["/temp"] = (302, {"Location": "/old"})
    moved = check(site.url("/old"))
    assert moved.moved and moved.final_url == site.url("/new")
    temporary = check(site.url("/temp"))
    assert temporary.outcome == fetch.OK and temporary.redirected and not temporary.moved


def test_at_most_five_redirects_are_followed(site):
    """A redirect loop ends after five hops as a failure, not a hang."""
    site.routes["/loop"] = (302, {"Location": "/loop"})
    result = check(site.url("/loop"))
    assert (result.outcome, result.error) == (fetch.FAILED, "too many redirects")
    assert len(site.seen) == fetch.MAX_REDIRECTS + 1


@pytest.mark.parametrize("target", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x/y"])
def test_a_redirect_to_another_scheme_is_never_followed(site, target):
    """A redirect away from http(s) ends the check, refused, with nothing fetched there."""
    site.routes["/away"] = (301, {"Location": target})
    result = check(site.url("/away"))
    assert (result.outcome, result.error) == (fetch.REFUSED, "not a web address")
    assert len(site.seen) == 1


def test_no_cookie_is_kept_or_sent(site):
    """A cookie set on a redirect is not sent back on the next hop."""
    site.routes["/set"] = (302, {"Location": "/next", "Set-Cookie": "session=secret; Path=/"})
    site.routes["/next"] = (200, {})
    check(site.url("/set"))
    assert [path for _, path, _ in site.seen] == ["/set", "/next"]
    assert all("Cookie" not in headers for _, _, headers in site.seen)


@override_settings(LINK_CHECK_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "localhost", "[::1]", "169.254.169.254"])
def test_by_default_private_and_loopback_addresses_are_refused(site, host):
    """Production's default refuses loopback, 10.x, link-local and ::1 without a request."""
    port = site.server.server_port
    result = check(f"http://{host}:{port}/fine")
    assert (result.outcome, result.error) == (fetch.REFUSED, "a private network address")
    assert site.seen == []


@override_settings(LINK_CHECK_ALLOW_PRIVATE=False)
def test_a_redirect_to_a_private_address_is_refused():
    """A public page redirecting to 127.0.0.1 is refused at that hop."""
    assert fetch.refusal("http://127.0.0.1:9/") == "a private network address"
    assert fetch.refusal("https://93.184.215.14/") == ""


def test_errors_and_missing_pages_fail_and_forbidden_is_not_a_failure(site):
    """404, 410 and 5xx fail; 403 means the site refused the checker; no server fails."""
    for path, status in (("/gone", 410), ("/broken", 503), ("/forbidden", 403)):
        site.routes[path] = (status, {})
    assert check(site.url("/missing")).outcome == fetch.FAILED
    assert check(site.url("/gone")).outcome == fetch.FAILED
    assert check(site.url("/broken")).outcome == fetch.FAILED
    assert check(site.url("/forbidden")).outcome == fetch.BLOCKED
    closed = check("http://127.0.0.1:9/")  # the discard port: nothing listens
    assert (closed.outcome, closed.error) == (fetch.FAILED, "no connection")


def test_a_slow_answer_times_out_and_fails(site):
    """A server that never answers is given up on after the read timeout."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        with override_settings(LINK_CHECK_READ_TIMEOUT=0.2):
            result = check(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        listener.close()
    assert (result.outcome, result.error) == (fetch.FAILED, "timed out")


def test_the_throttle_spaces_requests_to_one_host():
    """Requests to one host wait out the interval; other hosts do not wait."""
    clock = {"now": 0.0}
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock["now"] += seconds

    throttle = fetch.Throttle(2.0, clock=lambda: clock["now"], sleep=sleep)
    for host in ("a", "b", "a", "a"):
        throttle.wait(host)
        clock["now"] += 0.5
    assert slept == [1.0, 1.5]
    assert throttle.closest() == 2.0 and throttle.requests == 4


# --- The run ----------------------------------------------------------------------


def sources(*urls, **extra):
    return [{"title": f"Source {n}", "url": url, **extra} for n, url in enumerate(urls, 1)]


def test_a_run_checks_urls_dois_and_pubmed_and_records_each_once(make_article, site):
    """Each distinct address is checked once, DOIs and PMIDs at their own addresses."""
    site.routes["/a"] = (200, {})
    make_article("One", sources=sources(site.url("/a"), site.url("/b")))
    make_article("Two", sources=[{"title": "S", "url": site.url("/a"), "doi": "10.1000/x1",
                                  "pmid": "123"}])  # fmt: skip

    class Offline(fetch.Checker):
        def check(self, url):
            if url.startswith(site.base):
                return super().check(url)
            self.throttle.wait("elsewhere")
            return fetch.Result(fetch.OK, 200, url)

    summary = run.check_all(checker=Offline())
    assert summary.cited == summary.checked == 4
    recorded = set(SourceCheck.objects.values_list("url", flat=True))
    assert recorded == {site.url("/a"), site.url("/b"), "https://doi.org/10.1000/x1",
                        "https://pubmed.ncbi.nlm.nih.gov/123/"}  # fmt: skip
    assert [path for _, path, _ in site.seen].count("/a") == 1


def test_one_failure_is_unreachable_and_two_in_a_row_are_dead(make_article, site):
    """A URL is dead only after two failed runs, dated from the first; an answer resets it."""
    make_article("One", sources=sources(site.url("/flaky")))
    day = datetime.timedelta(days=1)
    run.check_all(now=NOW)
    row = SourceCheck.objects.get()
    assert (row.status, row.failures, row.http_status) == (SourceCheck.UNREACHABLE, 1, 404)
    run.check_all(now=NOW + day)
    row.refresh_from_db()
    assert (row.status, row.failures, row.first_failed_at) == (SourceCheck.DEAD, 2, NOW)
    assert row.summary.startswith("Dead since") and row.summary.endswith("(404)")
    site.routes["/flaky"] = (200, {})
    run.check_all(now=NOW + 2 * day)
    row.refresh_from_db()
    assert (row.status, row.failures, row.first_failed_at) == (SourceCheck.OK, 0, None)
    assert row.summary.startswith("Link OK, checked")


def test_a_second_run_the_same_day_checks_nothing_again(make_article, site):
    """What was checked within the last hours is left alone: no failure counted twice."""
    make_article("One", sources=sources(site.url("/x")))
    run.check_all(now=NOW)
    again = run.check_all(now=NOW + datetime.timedelta(hours=1))
    assert again.checked == 0 and SourceCheck.objects.get().failures == 1


def test_a_permanent_move_is_recorded_with_its_new_address(make_article, site):
    """A 301 chain ends as moved, naming the final address."""
    site.routes["/old"] = (301, {"Location": "/new"})
    site.routes["/new"] = (200, {})
    make_article("One", sources=sources(site.url("/old")))
    run.check_all()
    row = SourceCheck.objects.get()
    assert (row.status, row.final_url) == (SourceCheck.MOVED, site.url("/new"))
    assert row.summary == f"Moved permanently to {site.url('/new')}"


def test_an_answer_slower_than_the_setting_is_slow_and_403_is_not_a_failure(
    make_article, site, settings
):
    """Over LINK_CHECK_SLOW_SECONDS is slow; a 403 is unreachable with no failure counted."""
    settings.LINK_CHECK_SLOW_SECONDS = 0
    site.routes["/fine"] = (200, {})
    site.routes["/forbidden"] = (403, {})
    make_article("One", sources=sources(site.url("/fine"), site.url("/forbidden")))
    run.check_all(now=NOW)
    run.check_all(now=NOW + datetime.timedelta(days=1))
    slow = SourceCheck.objects.get(url=site.url("/fine"))
    assert slow.status == SourceCheck.SLOW and slow.summary.startswith("Slow (")
    refused = SourceCheck.objects.get(url=site.url("/forbidden"))
    assert (refused.status, refused.failures, refused.http_status) == (
        SourceCheck.UNREACHABLE, 0, 403,
    )  # fmt: skip
    assert refused.summary.startswith("The site would not answer the checker (403)")


def test_the_cap_takes_the_least_recently_checked_first(make_article, site):
    """A run checks at most its cap, the never-checked and oldest first."""
    urls = [site.url(f"/p{n}") for n in range(5)]
    for url in urls:
        site.routes[url[len(site.base) :]] = (200, {})
    make_article("One", sources=sources(*urls))
    first = run.check_all(now=NOW, limit=3)
    second = run.check_all(now=NOW + datetime.timedelta(days=1), limit=3)
    assert (first.checked, second.checked) == (3, 3)
    assert SourceCheck.objects.count() == 5
    # The second run took the two never checked, then one of the three checked first.
    assert SourceCheck.objects.filter(checked_at=NOW).count() == 2


def test_rows_of_addresses_no_longer_cited_are_removed(make_article, site):
    """An address taken out of every article loses its row at the next run."""
    article = make_article("One", sources=sources(site.url("/a")))
    run.check_all(now=NOW)
    article.sources = sources(site.url("/b"))
    article.save()
    summary = run.check_all(now=NOW)
    assert summary.removed == 1
    assert list(SourceCheck.objects.values_list("url", flat=True)) == [site.url("/b")]


def test_a_run_over_many_sources_spaces_each_hosts_requests(make_article, settings):
    """Over 30 addresses on three hosts, each host sees one request per interval at most."""
    settings.LINK_CHECK_HOST_INTERVAL = 0.05
    sites = [Site(), Site(), Site()]
    try:
        for server in sites:
            server.routes.update({f"/p{n}": (200, {}) for n in range(10)})
        urls = [server.url(f"/p{n}") for server in sites for n in range(10)]
        make_article("Many", sources=sources(*urls))
        summary = run.check_all()
    finally:
        for server in sites:
            server.server.shutdown()
            server.server.server_close()
    assert (summary.checked, summary.requests) == (30, 30)
    # One host name (127.0.0.1) for all three: the interval holds across ports too.
    assert summary.closest >= 0.05 * 0.9


def test_the_command_checks_now_and_queues_the_daily_run(make_article, site, capsys):
    """check_sources --now checks and queues one daily run; again, still one."""
    from django_tasks_db.models import DBTaskResult

    site.routes["/a"] = (200, {})
    make_article("One", sources=sources(site.url("/a")))
    call_command("check_sources", "--now")
    call_command("check_sources")
    out = capsys.readouterr().out
    assert "1 of 1 address(es) checked with 1 request(s): 1 ok." in out
    queued = DBTaskResult.objects.filter(task_path=run.check_sources.module_path, status="READY")
    assert queued.count() == 1
    assert timezone.localtime(queued.get().run_after).time() == run.RUN_AT


def test_the_task_checks_and_queues_its_next_run(make_article, site):
    """The worker's task records the checks and queues tomorrow's run."""
    from django_tasks_db.models import DBTaskResult

    make_article("One", sources=sources(site.url("/a")))
    result = run.check_sources.call()
    assert result["checked"] == 1
    assert DBTaskResult.objects.filter(task_path=run.check_sources.module_path).count() == 1
