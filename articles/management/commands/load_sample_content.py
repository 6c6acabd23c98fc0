"""Demo accounts and a few sample articles in every workflow state; safe to run again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article, Author, Topic, part_model
from articles.publishing import sources
from articles.publishing.roles import EDITOR, MEDICAL_REVIEWER, WRITER
from articles.publishing.workflow import transition

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

# Addresses on example.com, which is reserved: mail to them goes nowhere (in development
# it is printed by the worker).
ACCOUNTS = [
    # username, password, group, first name, last name
    ("writer", "writer-demo-pass", WRITER, "Maya", "Okafor"),
    ("editor", "editor-demo-pass", EDITOR, "Sam", "Reyes"),
    ("reviewer", "reviewer-demo-pass", MEDICAL_REVIEWER, "Lena", "Hart"),
]
# A superuser: lifts login lockouts (Axes › Access attempts) and manages accounts.
ADMIN = ("admin", "admin-demo-pass", "Alex", "Morgan")
# The reviewer account signs off as this author profile.
REVIEWER_PROFILE = "dr-lena-hart"

AUTHORS = {
    "maya-okafor": {
        "name": "Maya Okafor",
        "job_title": "Health writer",
        "bio": "Maya writes about sleep, stress and the habits that make everyday life easier.",
    },
    "dr-lena-hart": {
        "name": "Dr Lena Hart",
        "job_title": "Clinical psychologist (sample profile)",
        "bio": "Lena reviews our mental health articles for accuracy and tone.",
    },
}

TOPICS = {
    "sleep": ("Sleep", "How sleep works, why it goes wrong and what helps."),
    "stress-and-anxiety": ("Stress and anxiety", "Understanding worry and calming the body."),
}

ARTICLES = [
    {
        "slug": "why-worry-keeps-you-awake",
        "state": "published",
        "title": "Why worry keeps you awake, and what helps",
        "topic": "sleep",
        "summary": "Racing thoughts at bedtime are a stress response, not a character flaw. "
        "Here is what is happening and a few steps that calm it.",
        "meta_title": "Why Worry Keeps You Awake: 5 Steps to Calmer Nights",
        "meta_description": "Bedtime worry is a stress response. Learn why racing thoughts "
        "keep you awake and five practical steps that help you fall asleep.",
        "focus_keyword": "worry keeps you awake",
        "body": """Lying awake with a busy mind is one of the most common sleep complaints.[^1]
It feels personal, but it follows a predictable pattern.

## What happens in the body

When you worry, the body prepares for action: heart rate rises and stress hormones
such as cortisol stay high. Sleep needs the opposite — a slower, safer state. Worry
at bedtime keeps that alert state going, which is why it so often keeps people awake.[^2]

## Steps that help

1. **Write it down.** Ten minutes with a notebook early in the evening moves worries
   out of your head and onto paper. In one study, writing a to-do list before bed
   helped people fall asleep faster.[^3]
2. **Keep a wind-down hour.** Dim lights and put screens away.
3. **Get up if you cannot sleep.** After about twenty minutes, do something calm in
   another room and return when you feel sleepy.[^4]
4. **Breathe slowly.** Breathing out for longer than you breathe in tells the nervous
   system it is safe.
5. **Keep the same wake-up time**, even after a poor night.

> If poor sleep lasts more than a few weeks, talk to your GP.[^1]
""",
        "sources": [
            {
                "title": "Insomnia",
                "publisher": "NHS",
                "url": "https://www.nhs.uk/conditions/insomnia/",
            },
            {
                "title": "A cognitive model of insomnia",
                "publisher": "Behaviour Research and Therapy",
                "date": "2002-08",
                "doi": "10.1016/S0005-7967(01)00061-4",
                "pmid": "12186352",
            },
            {
                "title": "The effects of bedtime writing on difficulty falling asleep: "
                "a polysomnographic study comparing to-do lists and completed activity lists",
                "publisher": "Journal of Experimental Psychology: General",
                "date": "2018-01",
                "doi": "10.1037/xge0000374",
                "pmid": "29058942",
            },
            {
                "title": "Insomnia: management",
                "publisher": "NICE Clinical Knowledge Summaries",
                "url": "https://cks.nice.org.uk/topics/insomnia/management/",
            },
        ],
        "faqs": [
            (
                "How long should it take to fall asleep?",
                "Most people fall asleep within 10 to 20 minutes. Regularly taking much "
                "longer is worth raising with a doctor.",
            ),
            (
                "Is it bad to look at the clock at night?",
                "Clock-watching tends to add pressure and keep you awake. Turning the clock "
                "away from the bed often helps.",
            ),
        ],
    },
    {
        "slug": "a-breathing-exercise-for-stressful-days",
        "state": "in_review",
        "title": "A two-minute breathing exercise for stressful days",
        "topic": "stress-and-anxiety",
        "summary": "A simple exhale-focused breathing pattern you can use anywhere.",
        "body": """Slow breathing with a long exhale is one of the quickest ways to calm
the stress response.[^1] Slowing the breath down is linked with a calmer heart rate
and a more relaxed state of mind.[^2]

## How to do it

- Breathe in through the nose for a count of four.
- Breathe out gently through the mouth for a count of six.
- Repeat for two minutes.

## When to use it

Before a difficult conversation, on a crowded train, or at bedtime. If worry is
with you most days, talk to your GP: there are treatments that help.[^3]
""",
        "sources": [
            {
                "title": "Breathing exercises for stress",
                "publisher": "NHS",
                "url": "https://www.nhs.uk/mental-health/self-help/guides-tools-and-activities/"
                "breathing-exercises-for-stress/",
            },
            {
                "title": "How breath-control can change your life: a systematic review on "
                "psycho-physiological correlates of slow breathing",
                "publisher": "Frontiers in Human Neuroscience",
                "date": "2018-09-07",
                "doi": "10.3389/fnhum.2018.00353",
                "pmid": "30245619",
            },
            {
                "title": "Generalised anxiety disorder and panic disorder in adults: management "
                "(CG113)",
                "publisher": "NICE",
                "date": "2011-01-26",
                "url": "https://www.nice.org.uk/guidance/cg113",
            },
        ],
        "faqs": [
            (
                "Can breathing exercises replace therapy?",
                "No. They are a useful tool for moments of stress, alongside — not instead "
                "of — professional support when you need it.",
            ),
        ],
    },
    {
        "slug": "talking-to-your-gp-about-low-mood",
        "state": "draft",
        "title": "Talking to your GP about low mood",
        "topic": "stress-and-anxiety",
        "summary": "How to prepare for the appointment so you get the most from it.",
        "body": """Many people put off seeing a doctor about their mood. A little
preparation makes the conversation easier.

## Before the appointment

Note how long you have felt this way and how it affects sleep, appetite and work.
""",
        "faqs": [],
    },
    {
        "slug": "winter-mood-tips-2019",
        "state": "trashed",
        "title": "Winter mood tips (2019)",
        "topic": "stress-and-anxiety",
        "summary": "An old draft, superseded: in the trash, restorable for 30 days.",
        "body": """Light in the morning helps many people through the darker months.
""",
        "faqs": [],
    },
]


class Command(BaseCommand):
    help = (
        "Create demo accounts and sample articles (published, in review, draft, and one "
        "in the trash)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        users = {
            username: self.account(username, password, group, first, last)
            for username, password, group, first, last in ACCOUNTS
        }
        self.administrator(*ADMIN)
        authors = {
            slug: Author.objects.get_or_create(slug=slug, defaults=fields)[0]
            for slug, fields in AUTHORS.items()
        }
        topics = {
            slug: Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "medical": True}
            )[0]
            for slug, (name, description) in TOPICS.items()
        }
        profile = authors[REVIEWER_PROFILE]
        if profile.user_id is None:
            profile.user = users["reviewer"]
            profile.save()
        created = 0
        for spec in ARTICLES:
            if Article.objects.filter(slug=spec["slug"]).exists():
                continue
            self.create_article(spec, users, authors, topics)
            created += 1

        self.stdout.write(
            self.style.SUCCESS(
                f"Sample content ready: {created} article(s) created, "
                f"{len(ARTICLES) - created} already present."
            )
        )
        self.stdout.write("Log in at /admin/ as:")
        roles = [(group.lower(), username, password) for username, password, group, *_ in ACCOUNTS]
        for role, username, password in [*roles, ("administrator", *ADMIN[:2])]:
            self.stdout.write(f"  {role:<16} username “{username}”, password “{password}”")
        if required := [group.lower() for group in settings.OTP_REQUIRED_GROUPS]:
            self.stdout.write(
                f"The {' and '.join(required)} roles set up an authenticator app at their first "
                "sign-in; to try them without one, start with OTP_REQUIRED_GROUPS= (empty)."
            )

    def account(self, username, password, group_name, first_name, last_name, **flags):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, **flags}
        )
        if created:
            user.set_password(password)
        # Accounts made before they had names keep anything set since, and gain the rest.
        details = {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.com",
        }
        missing = [field for field in details if not getattr(user, field)]
        for field in missing:
            setattr(user, field, details[field])
        if created or missing:
            user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        return user

    def administrator(self, username, password, first_name, last_name):
        """The superuser; an account already called that is never made one here."""
        return self.account(username, password, None, first_name, last_name, is_superuser=True)

    def create_article(self, spec, users, authors, topics):
        writer, editor, reviewer = users["writer"], users["editor"], users["reviewer"]
        article = Article(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            body=spec["body"],
            topic=topics[spec["topic"]],
            author=authors["maya-okafor"],
            meta_title=spec.get("meta_title", ""),
            meta_description=spec.get("meta_description", ""),
            focus_keyword=spec.get("focus_keyword", ""),
            sources=sources.normalize(spec.get("sources", [])),
        )
        faqs = [
            FAQEntry(title=question, answer=answer, topic=article.topic, order=n)
            for n, (question, answer) in enumerate(spec["faqs"], start=1)
        ]
        # The writer's first version, with its FAQ entries: one revision.
        article.save(user=writer, message="First draft.", children={"faqs": faqs})
        # Sample states are reached through the workflow, so the history is real;
        # the FAQ entries move with their article.
        if spec["state"] in ("in_review", "published"):
            article.submit_for_review(writer, note="Ready for review.")
        if spec["state"] == "published":
            # Health content goes live only once a clinician has signed off this version.
            transition(article, "sign_off", reviewer, note="Accurate and safe to publish.")
            article.publish(editor, note="Checked and approved.")
        if spec["state"] == "trashed":
            article.move_to_trash(editor, note="Superseded by newer advice.")
