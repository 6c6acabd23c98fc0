"""In Chromium, under the site's own CSP: the library image form shows its focal point,
a click moves it, and on a phone the preview stays inside the screen."""

import pytest
from django.core.files.base import ContentFile

from articles.models import Image
from tests.test_browser import browser  # noqa: F401 - the fixture
from tests.test_desk_browser import log_in
from tests.test_library import picture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def image(db):
    made = Image(alt="A quiet bedroom at dusk", licence="CC BY 4.0", focal_x=0.25, focal_y=0.75)
    made.file.save("bedroom.jpg", ContentFile(picture(1800, 1200)), save=False)
    made.save()
    return made


def marker_at(page):
    """Where the marker's centre is, as fractions of the preview picture."""
    return page.evaluate(
        """() => {
            const img = document.querySelector(".focal-preview img").getBoundingClientRect();
            const dot = document.querySelector(".focal-marker").getBoundingClientRect();
            return [(dot.left + dot.width / 2 - img.left) / img.width,
                    (dot.top + dot.height / 2 - img.top) / img.height];
        }"""
    )


def test_the_focal_point_shows_and_moves_under_the_csp(browser, live_server, writer, image):  # noqa: F811
    """The marker sits on the stored point without style attributes; a click moves it."""
    page = log_in(browser, live_server, writer)
    page.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
    assert page.locator(".focal-marker").is_visible()
    x, y = marker_at(page)
    assert abs(x - 0.25) < 0.02 and abs(y - 0.75) < 0.02
    box = page.locator(".focal-preview img").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    x, y = marker_at(page)
    assert abs(x - 0.5) < 0.02 and abs(y - 0.5) < 0.02
    assert page.input_value("#id_focal_x") == "0.500"
    page.context.close()


def test_a_reviewer_sees_the_point_and_a_phone_no_sideways_scroll(
    browser,  # noqa: F811
    live_server,
    clinician,
    image,
):
    """A medical reviewer, who may only look, sees the point; at 390 px nothing overflows."""
    page = log_in(browser, live_server, clinician, viewport=PHONE, is_mobile=True)
    page.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
    assert page.locator(".focal-marker").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()
