"""Steps the workflow runs between submission and publication, as Wagtail's workflow tasks.

A step is offered as a move (its button), completed by that move (logged with the
revision it approved), and consulted once by publishing, which refuses while a step
that applies to the item is not complete for the version going live. The one step today
is the medical sign-off: a clinician approves the exact version of health content.
"""

from django.utils import timezone

from .. import pagecache, review
from ..models import Status
from .moves import InvalidTransition


class Step:
    name = ""
    label = ""

    def applies_to(self, item):
        """Whether publishing ``item`` waits for this step."""
        return False

    def offered(self, item):
        """Whether the step's move may be made on ``item`` now."""
        return False

    def complete(self, current, user, now):
        """The row fields the step's move writes (``current`` is locked)."""
        return {}

    def problems(self, current, working):
        """Why ``working`` may not be published yet, as sentences."""
        return []

    def on_publish(self, current, working, digest, parent=None):
        """The row fields publishing ``working`` writes for this step."""
        return {}

    def status(self, item):
        """Where the step stands for the working copy, as editors read it; "" if it does
        not concern the item."""
        return ""


class MedicalSignOff(Step):
    """A medical reviewer signs off the version of health content that goes live.

    A part (an FAQ entry shown on an article) is signed off with its page: the page's
    digest covers its parts' text, and publishing the page gives its parts the review.
    """

    name = "medical"
    label = "Medical sign-off"

    def applies_to(self, item):
        return item.takes_sign_off and _own_page(item) and item.needs_medical_review()

    def offered(self, item):
        if not item.takes_sign_off or not _own_page(item):
            return False
        if item.status == Status.IN_REVIEW:
            # Once per version: a second sign-off of the same text would say nothing new.
            return review.sign_off_for(item, item.latest_revision_id) is None
        if item.status == Status.PUBLISHED and item.live:
            # A periodic review of the live page, once it falls due or its text changed.
            due = item.review_due is None or item.review_due <= review.notice_by(
                timezone.localdate()
            )
            return due or review.live_changed_since(item)
        return False

    def complete(self, current, user, now):
        """Record the approval on the row when the version signed is the one the row holds
        (a page never published, or a live page without draft changes); a sign-off on
        draft changes to a live page is written when that version is published."""
        from ..revisions import ensure_revision

        content = ensure_revision(current)
        fields = self._review(current, user, timezone.localdate(now), content)
        if current.live and current.status != Status.PUBLISHED:
            return {}
        if current.live:
            pagecache.purged(pagecache.keys.of_change(current))  # it shows its review date
        return fields

    def problems(self, current, working):
        if not self.applies_to(working):
            return []
        if review.sign_off_for(current, current.latest_revision_id) is not None:
            return []
        last = review.sign_offs(current).select_related("user").first()
        earlier = (
            f" The last sign-off, by {last.author_name} on "
            f"{timezone.localdate(last.created_at):%-d %B %Y}, was on an earlier version."
            if last is not None else ""
        )  # fmt: skip
        return [
            "It is health content: a medical reviewer must sign off this exact version "
            f"before it is published.{earlier}"
        ]

    def on_publish(self, current, working, digest, parent=None):
        if not working.takes_sign_off:
            return {}
        if parent is not None:
            # Reviewed with its page: it shows the page's review.
            return {name: getattr(parent, name) for name in _ROW_REVIEW}
        fields = {
            "review_due": review.due_date(working.last_reviewed, working.review_months()),
            "live_digest": digest,
        }
        signed = review.sign_off_for(current, current.latest_revision_id)
        if signed is not None:
            day = timezone.localdate(signed.created_at)
            fields.update(self._review(working, signed.user, day, digest=digest))
        return fields

    def status(self, item):
        if not item.takes_sign_off or not _own_page(item):
            return ""
        signed = review.sign_off_for(item, item.latest_revision_id)
        if signed is not None:
            day = timezone.localtime(signed.created_at)
            return f"signed off by {signed.author_name} on {day:%-d %B %Y}, this version"
        if self.applies_to(item):
            return (
                "waiting for a medical reviewer"
                if item.status == Status.IN_REVIEW
                else ("needed before publishing")
            )
        return ""

    @staticmethod
    def _review(item, user, day, content=None, digest=None):
        """What a sign-off by ``user`` on ``day`` writes, from their author profile."""
        from articles.models import Author  # the profile that names the reviewer

        profile = Author.objects.filter(user=user).first()
        if profile is None:
            raise InvalidTransition(
                "Your account is not linked to an author profile, so the page could not "
                "name you as its reviewer. An editor links it under Authors → user."
            )
        if not profile.job_title.strip():
            raise InvalidTransition(
                f"Your author profile “{profile}” gives no credentials; readers and search "
                "engines are shown them with the review. Add them under Authors first."
            )
        if digest is None:
            digest = review.digest(type(item), content)
        return {
            "reviewed_by": profile,
            "last_reviewed": day,
            "review_due": review.due_date(day, item.review_months()),
            "reviewed_digest": digest,
        }


# The review a part takes from its page when the page is published.
_ROW_REVIEW = ("reviewed_by_id", "last_reviewed", "review_due")


def _own_page(item):
    return item.revision_parent() is None


STEPS = {step.name: step for step in (MedicalSignOff(),)}


def steps_for(item):
    """The steps publishing ``item`` waits for."""
    return [step for step in STEPS.values() if step.applies_to(item)]
