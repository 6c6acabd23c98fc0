"""The editorial desk on the admin home page: what waits for this user, by role."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, Status, Transition, part_model
from articles.publishing import review
from articles.publishing.sourcecheck import report
from articles.publishing.workflow import permission_name

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

register = template.Library()

# Rows a list shows before its "See all" link.
SHOWN = 20


def _row(obj, **extra):
    opts = obj._meta
    return {
        "title": str(obj),
        "kind": opts.verbose_name,
        "state": obj.state_label(),
        "since": obj.updated_at,
        "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        **extra,
    }


def _listing(model, query):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + query


def _review_queue(user):
    """Articles in review, each with its FAQ entries as one row, and FAQ entries on their own."""
    queue, total, links = [], 0, []
    if user.has_perm(permission_name(Article, "publish")):
        waiting = (
            Article.objects.with_liveness().filter(status=Status.IN_REVIEW).select_related("owner")
        )
        total += waiting.count()
        parts = dict(
            FAQEntry.objects.filter(article__in=waiting[:SHOWN], status=Status.IN_REVIEW)
            .values("article")
            .annotate(n=Count("pk"))
            .values_list("article", "n")
        )
        queue += [
            _row(a, owner=a.owner, parts=parts.get(a.pk, 0))
            for a in waiting.order_by("updated_at")[:SHOWN]
        ]
        links.append(("articles", _listing(Article, "?status__exact=in_review")))
    if user.has_perm(permission_name(FAQEntry, "publish")):
        # Entries on an article move with it, so only standalone ones are listed.
        alone = FAQEntry.objects.filter(status=Status.IN_REVIEW, article=None)
        total += alone.count()
        queue += [_row(f, owner=f.owner) for f in alone.select_related("owner")[:SHOWN]]
        links.append(("FAQ entries", _listing(FAQEntry, "?status__exact=in_review")))
    if not links:
        return None
    queue.sort(key=lambda row: row["since"])
    return {"rows": queue[:SHOWN], "total": total, "links": links}


def _sent_back(drafts):
    """{pk: the request-changes move} for drafts an editor sent back, newest move per item."""
    if not drafts:
        return {}
    content_type = ContentType.objects.get_for_model(drafts[0])
    moves = Transition.objects.filter(
        content_type=content_type, object_id__in=[d.pk for d in drafts]
    ).exclude(action="edit")
    latest = {}
    for move in moves.select_related("user").order_by("created_at", "pk"):
        latest[move.object_id] = move
    return {pk: move for pk, move in latest.items() if move.action == "request_changes"}


def _open_comments(items):
    """{pk: [open comment]} for these items, oldest first, in one query."""
    if not items:
        return {}
    comments = Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(items[0]),
        object_id__in=[item.pk for item in items],
        resolved_at=None,
        parent=None,
    ).select_related("user")
    found = {}
    for comment in comments:
        found.setdefault(comment.object_id, []).append(comment)
    return found


def _mine(user):
    """The writer's own work: sent back with a note, drafts, and what waits for review."""
    mine = Article.objects.with_liveness().filter(owner=user)
    drafts = list(mine.filter(status=Status.DRAFT).order_by("-updated_at")[:SHOWN])
    notes = _sent_back(drafts)
    back = [a for a in drafts if a.pk in notes]
    comments = _open_comments(back)
    return {
        "sent_back": [_row(a, note=notes[a.pk], comments=comments.get(a.pk, [])) for a in back],
        "drafts": [_row(a) for a in drafts if a.pk not in notes],
        "drafts_total": mine.filter(status=Status.DRAFT).count(),
        "drafts_link": _listing(Article, "?owner=my_drafts"),
        "in_review": [_row(a) for a in mine.filter(status=Status.IN_REVIEW)[:SHOWN]],
    }


def _sign_off_queue(user):
    """Health content in review that waits for a medical reviewer's sign-off: articles, and
    FAQ entries that stand alone (an article's entries are signed off with it)."""
    rows, total, links = [], 0, []
    for model in (Article, FAQEntry):
        if not user.has_perm(permission_name(model, review.SIGN_OFF)):
            continue
        waiting = review.awaiting_sign_off(model.objects.with_liveness()).select_related("owner")
        total += waiting.count()
        rows += [_row(item, owner=item.owner) for item in waiting.order_by("updated_at")[:SHOWN]]
        links.append((model._meta.verbose_name_plural, _listing(model, "?review=awaiting")))
    if not links:
        return None
    rows.sort(key=lambda row: row["since"])
    return {"rows": rows[:SHOWN], "total": total, "links": links}


def _reviews_due():
    """Live articles whose medical review falls due within the notice period, or is overdue."""
    today = timezone.localdate()
    grace_ends = review.grace_ends(today)
    due = review.falling_due(Article.objects.with_liveness(), review.notice_by(today))
    return {
        "rows": [
            _row(
                a,
                due=a.review_due,
                overdue=a.review_due < today,
                reviewer=a.reviewed_by,
                lapsed=a.review_due < grace_ends,
            )  # fmt: skip
            for a in due.select_related("reviewed_by")[:SHOWN]
        ],
        "total": due.count(),
        "links": [
            ("overdue", _listing(Article, "?review=overdue")),
            ("past the grace period", _listing(Article, "?review=lapsed")),
            ("due soon", _listing(Article, "?review=due")),
        ],
    }


def _scheduled():
    now = timezone.now()
    return [
        _row(a, at=a.published_at)
        for a in Article.objects.with_liveness()
        .filter(live=True, published_at__gt=now)
        .order_by("published_at")[:SHOWN]
    ]


def _sources():
    """How many cited addresses are dead or moved, with the report's address; one query."""
    return {**report.counts(), "url": reverse("admin:articles_article_source_report")}


@register.simple_tag(takes_context=True)
def desk(context):
    """Everything the admin home page shows this user about the workflow."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return None
    return {
        "queue": _review_queue(user),
        "mine": _mine(user) if user.has_perm("articles.add_article") else None,
        "scheduled": _scheduled(),
        "sign_off": _sign_off_queue(user),
        "due": _reviews_due(),
        "sources": _sources(),
    }
