"""The public site's Jinja2 environment gives what Django's template tags gave, escaped."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from config import jinja2 as site_templates

LONDON = zoneinfo.ZoneInfo("Europe/London")


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_public_pages_escape_whatever_the_settings_ask():
    """Autoescape is forced on: a title with markup comes out as text."""
    env = site_templates.environment(autoescape=False, loader=None)
    assert env.autoescape is True
    assert render("{{ t }}", t='"><script>x</script>') == "&#34;&gt;&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.parametrize(
    "moment",
    [
        # 23:30 UTC on a summer night is already the next day in London.
        datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 1, 0, 15, tzinfo=datetime.UTC),
        datetime.date(2026, 2, 28),
    ],
)
def test_dates_are_shown_in_the_sites_time_zone_as_django_shows_them(moment):
    """date() and day() match Django's date filter after its time-zone conversion, ISO 8601 too."""
    with timezone.override(LONDON):
        expected = django_date(timezone.template_localtime(moment), "Y-m-d")
        assert site_templates.day(moment) == expected
        for format_ in ("j F Y", "c"):
            assert site_templates.date(moment, format_) == django_date(
                timezone.template_localtime(moment), format_
            )
    if isinstance(moment, datetime.datetime) and moment.hour == 23:
        assert expected == "2026-07-02"


@given(
    moment=st.datetimes(min_value=datetime.datetime(1, 1, 2), timezones=st.just(datetime.UTC))
    | st.dates(),
    language=st.sampled_from(["en-gb", "fr", "de", "pl"]),
)
def test_the_readers_date_is_django_s_in_every_language_and_year(moment, language):
    """The readers' date ("j F Y") names the month as Django's filter does in the active
    language, with the year in four digits, for any date or moment."""
    with translation.override(language), timezone.override(LONDON):
        shown = site_templates.date(moment, "j F Y")
        assert shown == django_date(timezone.template_localtime(moment), "j F Y")


def test_empty_dates_render_nothing():
    """A missing date is blank, as Django's filter leaves it."""
    assert site_templates.date(None, "j F Y") == ""
    assert site_templates.date(None, "c") == ""
    assert render("{{ d|date('Y') }}", d="") == ""


def test_jsonld_cannot_close_its_script_tag():
    """The filter escapes <, > and & inside the JSON-LD block."""
    html = render("{{ data|jsonld }}", data={"name": "</script><script>alert(1)</script>"})
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1
    assert "\\u003C/script\\u003E" in html
