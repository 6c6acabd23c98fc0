from django.urls import reverse

from articles.publishing import jsonld
from articles.publishing.seo import PageMeta, site

TITLE = "Frequently asked questions"


def index(entries):
    s = site()
    url = s.absolute(reverse("faq:index"))
    description = f"Answers to common questions about mental health and wellbeing from {s.name}."
    return PageMeta(
        title=TITLE,
        description=description,
        canonical=url,
        jsonld=jsonld.graph(
            jsonld.website(s),
            jsonld.organization(s),
            jsonld.webpage(
                s,
                url,
                TITLE,
                description,
                page_type=["WebPage", "FAQPage"],
                mainEntity=[jsonld.question(entry, url) for entry in entries],
            ),
            jsonld.breadcrumb_list(url, [("Home", s.url + "/"), (TITLE, url)]),
        ),
    )
