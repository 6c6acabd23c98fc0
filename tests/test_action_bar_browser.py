"""In Chromium on a phone: the change form's action bar stays small and never hides the
control that has the keyboard focus; the sources table scrolls inside its own region."""

import pytest

from tests.test_browser import browser  # noqa: F401 - the fixture
from tests.test_desk_browser import CITED, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

PHONE = {"width": 390, "height": 844}

# The band at the top of the screen that elements stuck there (sticky or fixed) cover.
STUCK_BAND = """() => {
    const stuck = [...document.querySelectorAll("body *")].filter(e => {
        const position = getComputedStyle(e).position;
        return position === "sticky" || position === "fixed";
    }).map(e => e.getBoundingClientRect()).filter(r => r.height && r.top <= 1 && r.bottom > 0);
    return Math.max(0, ...stuck.map(r => r.bottom));
}"""

# The focused element's box, and whether an element stuck on screen overlaps it.
FOCUS = """form => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    const covered = [...document.querySelectorAll("body *")].some(e => {
        const position = getComputedStyle(e).position;
        if (position !== "sticky" && position !== "fixed") return false;
        if (e.contains(el)) return false;
        const r = e.getBoundingClientRect();
        return r.width && r.height && r.top < box.bottom && r.bottom > box.top
            && r.left < box.right && r.right > box.left;
    });
    const name = el.id || el.name || el.getAttribute("aria-label") || el.textContent.trim();
    return {name: `${el.tagName.toLowerCase()} ${name.slice(0, 40)}`,
            inForm: !!el.closest(form), shown: box.width > 0 && box.height > 0,
            covered};
}"""

# Focus the next (step 1) or previous (step -1) control in document order that Tab or
# Shift+Tab would reach; from outside the form, its first or last control.
MOVE = """([step, form]) => {
    const all = [...document.querySelectorAll(
        "a[href], button, input, select, textarea, summary, [tabindex]")].filter(e =>
        !e.disabled && e.tabIndex >= 0 && e.type !== "hidden" && e.getClientRects().length);
    const inside = all.filter(e => e.closest(form));
    const here = all.indexOf(document.activeElement);
    const next = here >= 0 ? all[here + step] : step > 0 ? inside[0] : inside.at(-1);
    next.focus();
}"""


def walk(page, form, step):
    """Tab (or Shift+Tab) through the form from one end: the controls focused, those an
    element stuck on the screen covered, and those Tab could not leave."""
    page.evaluate("document.activeElement.blur()")
    page.evaluate(MOVE, [step, form])
    key = "Tab" if step > 0 else "Shift+Tab"
    seen, hidden, kept = [], [], []
    for _ in range(400):
        here = page.evaluate(FOCUS, form)
        if not here["inForm"]:
            break
        if here["shown"]:
            seen.append(here["name"])
            if here["covered"]:
                hidden.append(here["name"])
        before = page.evaluate_handle("document.activeElement")
        page.keyboard.press(key)
        if page.evaluate("el => el === document.activeElement", before):
            kept.append(here["name"])
            page.evaluate(MOVE, [step, form])  # on, to see the rest
    return seen, hidden, kept


def phone_form(browser, live_server, editor, make_article, writer):  # noqa: F811
    """An article in review, with sources, open on a phone as the editor who may publish it."""
    article = make_article("A page to publish", user=writer, sources=CITED, medical_review=True)
    article.submit_for_review(writer)
    page = log_in(browser, live_server, editor, viewport=PHONE, is_mobile=True)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    return page


def test_the_stuck_action_bar_takes_at_most_15_percent_of_a_phone(
    browser,  # noqa: F811
    live_server,
    editor,
    writer,
    make_article,
):
    """At 390 × 844 at most 126 px stays stuck, and the bar is still a named region."""
    page = phone_form(browser, live_server, editor, make_article, writer)
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    regions = {n.get("name", {}).get("value") for n in tree if n["role"]["value"] == "region"}
    assert "Status and actions" in regions
    page.locator("#id_summary").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 1500)")
    assert page.evaluate("window.scrollY") > 1000
    band = page.evaluate(STUCK_BAND)
    print(f"stuck band at 390 x 844: {band:.0f} px ({band / PHONE['height']:.0%})")
    assert band > 0, "the action bar should stay in view"
    assert band <= 0.15 * PHONE["height"]
    page.context.close()


def faq_form(browser, live_server, editor, make_faq, writer):  # noqa: F811
    """A question in review, open on a phone as the editor who may publish it."""
    question = make_faq("Does rest help?", user=writer)
    question.submit_for_review(writer)
    page = log_in(browser, live_server, editor, viewport=PHONE, is_mobile=True)
    page.goto(f"{live_server.url}/admin/faq/faqentry/{question.pk}/change/")
    return page


@pytest.mark.parametrize("kind", ["article", "faqentry"])
def test_no_focused_control_is_hidden_under_the_action_bar(
    browser,  # noqa: F811
    live_server,
    editor,
    writer,
    make_article,
    make_faq,
    kind,
):
    """Tabbing both ways through the form on a phone, no control is under the bar or kept."""
    if kind == "article":
        page = phone_form(browser, live_server, editor, make_article, writer)
    else:
        page = faq_form(browser, live_server, editor, make_faq, writer)
    form = f"#{kind}_form"
    forward, hidden, kept = walk(page, form, 1)
    backward, hidden_back, kept_back = walk(page, form, -1)
    hidden += hidden_back
    seen = forward + backward
    print(f"focused {len(seen)} controls, {len(hidden)} hidden: {hidden}")
    assert len(forward) >= 10 and len(forward) == len(backward)
    assert hidden == []
    assert kept + kept_back == [], "Tab should leave every control, the Markdown editor too"
    page.context.close()


def test_the_sources_table_scrolls_in_its_region_not_the_page(
    browser,  # noqa: F811
    live_server,
    editor,
    writer,
    make_article,
):
    """At 390 px the page does not scroll sideways; the sources scroll in a named region."""
    page = phone_form(browser, live_server, editor, make_article, writer)
    region = page.locator("[role=region][aria-label][tabindex='0']:has(.sources-table)")
    assert region.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    page.context.close()
