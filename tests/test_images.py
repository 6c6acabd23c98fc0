"""Hero images: renditions made once, srcset and sizes, thumbnails, and share images."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

import articles.models
from tests.conftest import graph_nodes, parse_page

SITE = "https://example.test"


def picture(width=2400, height=1600, image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 90)).save(buffer, image_format)
    return ContentFile(buffer.getvalue())


@pytest.fixture
def with_hero(make_article, publish, editor):
    article = make_article("Pictured piece", hero_image_alt="A quiet bedroom at dusk")
    article.hero_image.save("bedroom.jpg", picture(), save=False)
    article.save(user=editor)
    return publish(article)


def test_saving_a_hero_image_makes_widths_webp_and_share_crops(with_hero):
    """Three widths in JPEG and WebP, and 16:9, 4:3 and 1:1 crops 1,200 px wide."""
    made = with_hero.hero_renditions
    assert [w["width"] for w in made["widths"]] == [480, 960, 1600]
    assert all(w["webp"].endswith(".webp") and w["src"].endswith(".jpg") for w in made["widths"])
    assert made["widths"][0]["height"] == 320
    for ratio, (across, down) in {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}.items():
        path = made["share"][ratio].removeprefix("/media/")
        with Image.open(f"{with_hero.hero_image.storage.location}/{path}") as crop:
            assert crop.width == 1200 and crop.height == round(1200 * down / across)


def test_renditions_are_made_once(with_hero, editor, monkeypatch):
    """Saving again with the same image makes nothing new."""
    calls = []
    monkeypatch.setattr(articles.models.images, "make", lambda f: calls.append(f) or {})
    with_hero.summary = "Edited."
    with_hero.save(user=editor)
    assert calls == []
    assert with_hero.hero_renditions["widths"]


def test_the_page_serves_srcset_webp_and_fixed_dimensions(client, with_hero):
    """A <picture> with a WebP source, srcset and sizes, and width and height on the img."""
    html = client.get(with_hero.get_absolute_url()).content.decode()
    hero = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    assert '<source type="image/webp" srcset="' in hero and "960w" in hero
    assert 'sizes="(min-width: 42rem) 42rem, 100vw"' in hero
    assert 'width="2400" height="1600"' in hero and 'alt="A quiet bedroom at dusk"' in hero


def test_lists_show_a_thumbnail(client, with_hero):
    """The home page card carries the 480 px rendition, lazily loaded."""
    html = client.get("/").content.decode()
    assert re.search(r'<img class="thumb" src="[^"]+-480w\.jpg" width="480" height="320"', html)


def test_share_images_use_the_crops_or_the_site_default(client, with_hero, published):
    """og:image and the Article image are the hero's crops, or else the default image."""
    html = client.get(with_hero.get_absolute_url()).content.decode()
    crops = with_hero.hero_renditions["share"]
    assert f'<meta property="og:image" content="{SITE}{crops["16x9"]}">' in html
    article = graph_nodes(parse_page(html), "Article")[0]
    assert article["image"] == [SITE + crops[r] for r in ("16x9", "4x3", "1x1")]

    plain = client.get(published.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="{SITE}/static/img/share.png">' in plain
    assert graph_nodes(parse_page(plain), "Article")[0]["image"] == [f"{SITE}/static/img/share.png"]


def test_images_uploaded_before_renditions_get_them_from_the_migration(with_hero):
    """The data migration makes renditions for a hero image that has none, and only then."""
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("articles.migrations.0010_backfill_renditions").backfill
    made = with_hero.hero_renditions
    articles.models.Article.objects.filter(pk=with_hero.pk).update(hero_renditions={})
    backfill(apps, None)
    with_hero.refresh_from_db()
    assert with_hero.hero_renditions == made
