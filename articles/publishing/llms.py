"""Plain Markdown for AI assistants and crawlers: /llms.txt and each article as .md.

Pure functions over objects the views load. Text written by people goes out with any
HTML tags removed and the characters Markdown would read as markup in a line we compose
(a title, a name) escaped, so nothing in the content can become a link, a heading or a
tag that it was not written as.
"""

import html

from . import sources
from .text import inert, without_tags


def body(markdown):
    """The Markdown body as written, without raw HTML, which the page itself drops."""
    cleaned = html.unescape(without_tags(markdown))
    return cleaned.replace("\r\n", "\n").strip()


def _date(value):
    return f"{value.day} {value:%B %Y}"


def article(obj, faqs, url):
    """The article as Markdown: title, byline, review line, body, its FAQ and sources."""
    lines = [f"# {inert(obj.title)}", ""]
    if obj.summary:
        lines += [f"> {inert(obj.summary)}", ""]
    facts = []
    if obj.author_id:
        facts.append(f"By {inert(obj.author.name)}")
    if obj.published_at:
        facts.append(f"Published {_date(obj.published_at)}")
    if obj.updated_at and obj.published_at and obj.updated_at.date() > obj.published_at.date():
        facts.append(f"Updated {_date(obj.updated_at)}")
    if facts:
        lines += [" · ".join(facts), ""]
    if obj.reviewed_by_id and obj.last_reviewed:
        reviewer = inert(obj.reviewed_by.name)
        lines += [f"Medically reviewed by {reviewer} on {_date(obj.last_reviewed)}", ""]
    lines += [f"Source: <{url}>", "", body(obj.body), ""]
    if faqs:
        lines += ["## Frequently asked questions", ""]
        for entry in faqs:
            lines += [f"### {inert(entry.title)}", "", body(entry.answer), ""]
    if cited := sources.markdown(obj.sources):
        # Numbered as the text cites them: [^2] is the second.
        lines += ["## Sources", "", *cited, ""]
    return "\n".join(lines).rstrip() + "\n"


def index(site, topics, markdown_url, more=()):
    """/llms.txt in the llmstxt.org shape: the site, then each topic with its articles.

    ``topics`` is [(topic or None, topic url or "", [article, ...])]; ``markdown_url``
    gives an article's .md address; ``more`` is [(label, path)] for the optional links.
    """
    lines = [f"# {inert(site.name)}", ""]
    if site.description:
        lines += [f"> {inert(site.description)}", ""]
    lines += [
        "Health and wellbeing articles, written by health writers and reviewed by "
        "clinicians. Each article below links to a plain Markdown version; the HTML page "
        "is the same address without `.md`.",
        "",
    ]
    for topic, topic_url, articles in topics:
        heading = inert(topic.name) if topic else "Other articles"
        lines += [f"## {heading}", ""]
        if topic and topic.description:
            lines += [inert(topic.description), ""]
        for item in articles:
            summary = f": {inert(item.summary)}" if item.summary else ""
            lines.append(f"- [{inert(item.title)}]({site.absolute(markdown_url(item))}){summary}")
        if topic_url:
            lines.append(f"- [Every article about {inert(topic.name)}]({site.absolute(topic_url)})")
        lines.append("")
    lines += ["## Optional", ""]
    lines += [f"- [{inert(label)}]({site.absolute(path)})" for label, path in more]
    return "\n".join(lines) + "\n"
