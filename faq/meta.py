from django.urls import reverse

from articles.publishing import jsonld
from articles.publishing.seo import PageMeta, site

TITLE = "Frequently asked questions"


def index(entries):
    s = site()
    url = s.absolute(reverse("faq:index"))
    description = f"Answers to common questions about mental health and wellbeing from {s.name}."
    # Google wants each question marked up once across the site: a question shown on a
    # live article is marked up there, and this page marks up only the rest.
    own = [entry for entry in entries if not getattr(entry, "article_is_live", False)]
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
                page_type=["WebPage", "FAQPage"] if own else "CollectionPage",
                mainEntity=[jsonld.question(entry, url) for entry in own],
            ),
            jsonld.breadcrumb_list(url, [("Home", s.url + "/"), (TITLE, url)]),
        ),
    )
