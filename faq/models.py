from django.db import models
from markdownx.models import MarkdownxField

from articles.models import SIGN_OFF_PERMISSION, Article, Topic
from articles.publishing import pagecache
from articles.publishing.markdown import MarkdownValidator, render_markdown
from articles.publishing.models import MedicallyReviewed, Publishable
from articles.publishing.paths import slug_path
from articles.publishing.text import html_to_text, plain_text

ANSWER_MAX_LENGTH = 10_000
# The FAQ page of entries with no topic.
GENERAL = "general"


class FAQEntry(MedicallyReviewed, Publishable):
    # Every page listing questions is purged when one joins or leaves (surrogate keys).
    list_key = pagecache.keys.FAQ
    # What search reads, strongest first (see articles/publishing/search.py): the answer
    # as readers read it, never its Markdown.
    search_fields = ("title", "search_text")
    # What a medical reviewer signs off: with its article when it is shown on one, on its
    # own when it stands alone in a health topic.
    medical_fields = ("title", "answer")
    workflow_fields = Publishable.workflow_fields | MedicallyReviewed.review_fields
    # The question is the entry's title; the base model's slug, dates and SEO fields apply.
    title = models.CharField("question", max_length=300)
    answer = MarkdownxField(
        help_text="Markdown. Keep it short: this text appears in search results.",
        validators=[MarkdownValidator(ANSWER_MAX_LENGTH)],
    )
    answer_html = models.TextField(editable=False, blank=True)
    # Derived from answer_html on save, like it: the answer's words, for search.
    search_text = models.TextField(editable=False, blank=True)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="faqs"
    )
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faqs",
        help_text="Show this question at the end of an article.",
    )
    order = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        ordering = ["order", "pk"]
        # A topic's FAQ page, in order, read from the index however large the topic.
        indexes = [
            models.Index(fields=["topic", "order", "id"], name="faq_topic_order"),
            # The sitemap's date for the FAQ pages.
            models.Index(fields=["updated_at"], name="faq_updated"),
        ]
        permissions = [
            (f"{action}_faqentry", f"{label} (FAQ entry)")
            for action, label in (*Publishable.workflow_permissions, SIGN_OFF_PERMISSION)
        ]

    @property
    def question(self):
        return self.title

    @property
    def answer_text(self):
        return html_to_text(self.answer_html)

    def get_absolute_url(self):
        pagecache.keys.tag(pagecache.keys.item(self))
        slug = self.topic.slug if self.topic_id else GENERAL
        return slug_path("faq:topic", slug) + f"#{self.slug}"

    def render(self):
        self.answer_html = render_markdown(self.answer)
        self.search_text = plain_text(self.answer_html)
        # Filed under its article's topic unless it names one: the FAQ pages list by topic.
        if self.topic_id is None and self.article_id is not None:
            self.topic_id = (
                Article.objects.filter(pk=self.article_id)
                .values_list("topic_id", flat=True)
                .first()
            )

    def needs_medical_review(self):
        # Shown on an article, it is signed off with the article's text.
        return self.article_id is None and super().needs_medical_review()

    @staticmethod
    def medical_review_q():
        return FAQEntry.pages_q() & MedicallyReviewed.medical_review_q()

    @staticmethod
    def pages_q():
        return models.Q(article=None)

    def revision_parent(self):
        # An entry shown on an article is versioned with the article.
        return self.article if self.article_id else None

    def publication_problems(self):
        return [] if self.answer_html.strip() else ["Its answer is empty."]


def answered_topics():
    """Topics with at least one published entry filed under them, by name."""
    live = FAQEntry.objects.published().filter(topic=models.OuterRef("pk"))
    return Topic.objects.filter(models.Exists(live)).order_by("name")
