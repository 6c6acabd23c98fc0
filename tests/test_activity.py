"""The activity report: moves, saves and comments as one record, filtered by person,
item, kind and dates, paged by cursor at a flat cost, and exported whole as CSV."""

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Comment, Revision, Transition
from articles.publishing import activity

URL = "/admin/activity/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(make_article, writer, editor, publish):
    """Two articles: one written, commented on and published; one only drafted."""
    first = make_article("Sleep and light", user=writer)
    on = {"content_type": ContentType.objects.get_for_model(first), "object_id": first.pk}
    Comment.objects.create(**on, user=editor, field="body", text='=HYPERLINK("x") cite it')
    publish(first)
    second = make_article("Morning walks", user=editor)
    return first, second


def table(response):
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_editors_see_moves_saves_and_comments_newest_first(client, editor, worked):
    """One list: the publication on top, then the submission, the comment, the saves."""
    client.force_login(editor)
    rows = table(client.get(URL))
    order = [rows.index(text) for text in ("Morning walks", "Published", "Submitted for review")]
    assert order == sorted(order)
    assert "Commented on body" in rows and "Saved a revision" in rows


def test_writers_may_not_read_it(client, writer):
    """The report is the workflow log's readers' (editors'); a writer gets 403."""
    client.force_login(writer)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"kind": "comment"}, ["Commented on body"], ["Published", "Saved a revision"]),
        ({"kind": "move"}, ["Published"], ["Commented", "Saved a revision"]),
        ({"since": "01/01/2000", "until": "01/01/2001"}, ["Nothing matches."], ["Published"]),
    ],
)
def test_filters_keep_only_what_they_name(client, editor, worked, params, present, absent):
    """By kind and by dates (written as the site writes them)."""
    client.force_login(editor)
    rows = table(client.get(URL, params))
    assert all(text in rows for text in present) and not any(text in rows for text in absent)


def test_per_person_and_per_item(client, editor, writer, worked):
    """A person's activity is theirs only; an item's is that item's only."""
    first, second = worked
    client.force_login(editor)
    mine = table(client.get(URL, {"user": writer.pk}))
    assert "Sleep and light" in mine and "Morning walks" not in mine
    item = table(client.get(URL, {"item": f"articles.article:{second.pk}"}))
    assert "Morning walks" in item and "Sleep and light" not in item
    refused = client.get(URL, {"item": "auth.nosuch:1"}).content.decode()
    assert "That is not an item of this site." in refused


def test_the_cursor_pages_through_everything_once(editor, make_article):
    """Pages of 7 over rows made in the same microsecond (a page and its parts share one
    time): every row once, none twice, in order."""
    article = make_article("Many saves", user=editor)
    now = timezone.now()
    Revision.objects.filter(object_id=article.pk).update(created_at=now)
    for n in range(20):
        article.summary = f"Version {n}"
        article.save(user=editor)
    Revision.objects.filter(object_id=article.pk).update(created_at=now)
    expected = Revision.objects.filter(object_id=article.pk).count()
    seen, cursor = [], None
    while True:
        entries, more = activity.page(activity.Filters(), cursor, size=7)
        seen += [(e.what, e.pk) for e in entries]
        if not more:
            break
        cursor = activity.parse_cursor(entries[-1].cursor)
    assert len(seen) == len(set(seen)) == expected + Transition.objects.count()


def test_a_deep_page_costs_what_the_first_does(client, editor, make_article):
    """Following Older costs the queries the first page did, however deep, and a
    malformed cursor is the first page, not an error."""
    client.force_login(editor)
    for n in range(120):
        make_article(f"Item {n}", user=editor)
    url, counts = URL, []
    for _ in range(4):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
        url = URL + page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        url = url.replace("&amp;", "&")
    assert len(set(counts)) == 1, counts
    assert client.get(URL, {"before": "garbage"}).status_code == 200


def test_the_csv_holds_every_row_and_runs_no_formula(client, editor, worked):
    """The export streams every filtered row with a header, and a cell a spreadsheet
    would run as a formula is made plain text."""
    client.force_login(editor)
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when", "who", "what"]
    total = Transition.objects.count() + Revision.objects.count() + Comment.objects.count()
    assert len(rows) == total + 1
    comment = next(row for row in rows if row[2] == "Commented on body")
    assert comment[-1].startswith("'=HYPERLINK")
    assert datetime.datetime.fromisoformat(rows[1][0]).tzinfo is not None
