"""The image library: renditions from the stored file, focal-point crops, the hero and
body pictures on the page, where each image is used, and no deleting one in use."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.deletion import ProtectedError
from PIL import Image as Pillow

from articles.models import Article, Image, Topic
from articles.publishing.library import renditions
from articles.publishing.library.media import IMMUTABLE
from articles.publishing.models import SiteState
from tests.conftest import graph_nodes, parse_page

SITE = "https://example.test"
HASHED = re.compile(r"/media/renditions/library/[\w-]+\.[0-9a-f]{12}\.(jpg|png|webp|avif)")


def picture(width=2400, height=1600, image_format="JPEG", halves=False):
    """A photo-sized image; with ``halves``, red on the left and blue on the right."""
    image = Pillow.new("RGB", (width, height), (40, 120, 90))
    if halves:
        image.paste((220, 20, 20), (0, 0, width // 2, height))
        image.paste((20, 20, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def stored(url):
    with default_storage.open(url.removeprefix("/media/"), "rb") as handle:
        return Pillow.open(io.BytesIO(handle.read())).convert("RGB")


@pytest.fixture
def make_image(db):
    def make(name="bedroom.jpg", data=None, **fields):
        fields.setdefault("alt", "A quiet bedroom at dusk")
        fields.setdefault("licence", "CC BY 4.0")
        image = Image(**fields)
        image.file.save(name, ContentFile(data or picture()), save=False)
        image.save()
        return image

    return make


def test_saving_makes_the_width_ladder_webp_crops_and_a_thumbnail(make_image):
    """Every width up to 1,600 px in JPEG, WebP and AVIF, three share crops and a 240 × 180
    thumbnail, each named by a hash of its bytes; the size is read from the file."""
    image = make_image()
    image.refresh_from_db()
    assert (image.width, image.height) == (2400, 1600)
    widths = image.renditions["widths"]
    assert [w["width"] for w in widths] == list(renditions.WIDTHS)
    assert widths[2] | {} == widths[2] and widths[2]["height"] == 427
    for made in widths:
        assert HASHED.fullmatch(made["src"]) and made["src"].endswith(".jpg")
        assert HASHED.fullmatch(made["webp"]) and made["webp"].endswith(".webp")
        assert stored(made["webp"]).size == (made["width"], made["height"])
        assert HASHED.fullmatch(made["avif"]) and made["avif"].endswith(".avif")
        assert stored(made["avif"]).size == (made["width"], made["height"])
    sizes = {label: stored(url).size for label, url in image.renditions["share"].items()}
    assert sizes == {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}
    assert stored(image.thumb["webp"]).size == (240, 180)


def test_a_small_image_is_never_enlarged(make_image):
    """A 500 px image gets the widths below it and itself, nothing wider."""
    image = make_image("small.png", picture(500, 400, "PNG"))
    assert [w["width"] for w in image.renditions["widths"]] == [320, 480, 500]
    assert image.renditions["widths"][0]["src"].endswith(".png")


@pytest.mark.parametrize(("focal_x", "colour"), [(0.1, "red"), (0.9, "blue")])
def test_crops_keep_the_focal_point_in_view(make_image, focal_x, colour):
    """The square share crop and the thumbnail come from the side the focal point is on."""
    image = make_image("halves.png", picture(1600, 800, "PNG", halves=True), focal_x=focal_x)
    for url in (image.renditions["share"]["1x1"], image.thumb["src"]):
        red, _, blue = stored(url).resize((1, 1), Pillow.Resampling.BOX).getpixel((0, 0))
        assert (red > 150 and blue < 80) if colour == "red" else (blue > 150 and red < 80)


def test_focal_box_stays_inside_the_image():
    """A focal point at an edge gives the crop against that edge, never past it."""
    assert renditions.focal_box((1600, 800), (1, 1), (0.0, 0.5)) == (0, 0, 800, 800)
    assert renditions.focal_box((1600, 800), (1, 1), (1.0, 1.0)) == (800, 0, 1600, 800)
    assert renditions.focal_box((1600, 800), (16, 9), (0.5, 0.5)) == (89, 0, 1511, 800)


def test_renditions_are_made_once_and_again_for_a_new_focal_point(make_image, monkeypatch):
    """Saving the text again makes nothing; moving the focal point makes new crops under
    new names, and the widths stay the files they were."""
    image = make_image(data=picture(1600, 800, halves=True))
    before = image.renditions
    calls = []
    real = renditions.make
    monkeypatch.setattr(renditions, "make", lambda *a: calls.append(a) or real(*a))
    image.caption = "Edited."
    image.save()
    assert calls == []
    image.focal_x = 0.1
    image.save()
    assert len(calls) == 1
    assert image.renditions["widths"] == before["widths"]
    assert image.renditions["share"]["1x1"] != before["share"]["1x1"]


def test_alt_text_and_licence_are_required(make_image):
    """An image without alt text or licence, or with a focal point off it, is refused."""
    image = make_image()
    for field, value in (("alt", " "), ("licence", ""), ("focal_x", 1.5)):
        original = getattr(image, field)
        setattr(image, field, value)
        with pytest.raises(ValidationError) as error:
            image.full_clean()
        assert field in error.value.message_dict
        setattr(image, field, original)


@pytest.fixture
def pictured(make_image, make_article, publish, editor):
    """A live article with a library hero, and one that shows the image in its body."""
    image = make_image(caption="Rest <b>matters</b>", credit="Ann Lens")
    hero = publish(make_article("Pictured piece", hero=image, user=editor))
    body = f"Intro.\n\n![](image:{image.pk})\n\nText with ![inline](image:{image.pk}) too."
    shown = publish(make_article("Shown in the text", body=body, user=editor))
    return image, hero, shown


def test_the_hero_is_a_picture_from_the_library(client, pictured):
    """The page serves the library's AVIF, WebP and JPEG srcsets (in that order: the
    browser takes the first it can show), its alt text, fixed dimensions and its caption
    with credit and licence, escaped."""
    image, hero, _ = pictured
    html = client.get(hero.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    assert figure.index('type="image/avif"') < figure.index('type="image/webp"')
    assert f'<source type="image/avif" srcset="{image.avif_srcset}"' in figure
    assert f'<source type="image/webp" srcset="{image.webp_srcset}"' in figure
    assert f'srcset="{image.srcset}"' in figure and "1280w" in figure
    assert 'alt="A quiet bedroom at dusk" width="1600" height="1067"' in figure
    assert "Rest &lt;b&gt;matters&lt;/b&gt; <small>Ann Lens · CC BY 4.0</small>" in figure


def test_an_image_made_before_avif_offers_none(client, pictured):
    """Renditions without AVIF (made before it, or by a Pillow without it) send no AVIF
    source rather than a partial one; WebP and the original still serve."""
    image, hero, _ = pictured
    for made in image.renditions["widths"]:
        del made["avif"]
    Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
    image.refresh_from_db()
    assert image.avif_srcset == "" and image.webp_srcset
    html = client.get(hero.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    assert "image/avif" not in figure and f'srcset="{image.webp_srcset}"' in figure


def test_share_images_are_the_library_crops(client, pictured):
    """og:image and the Article schema's images are the crops around the focal point."""
    image, hero, _ = pictured
    html = client.get(hero.get_absolute_url()).content.decode()
    crops = image.renditions["share"]
    assert f'<meta property="og:image" content="{SITE}{crops["16x9"]}">' in html
    article = graph_nodes(parse_page(html), "Article")[0]
    assert article["image"] == [SITE + crops[r] for r in ("16x9", "4x3", "1x1")]


def test_list_cards_use_the_webp_thumbnail(client, pictured, django_assert_max_num_queries):
    """The home page's card shows the 240 × 180 WebP thumbnail, and the library adds no
    query per card."""
    image = pictured[0]
    with django_assert_max_num_queries(12):
        html = client.get("/").content.decode()
    assert f'<img class="thumb" src="{image.thumb["webp"]}" width="240" height="180" alt=""' in html


def test_a_body_image_is_a_figure_with_srcset_sizes_and_lazy_loading(pictured):
    """Alone in its paragraph it is a figure with its caption; inline, a picture only;
    AVIF first, then WebP, then the original's format."""
    image, _, shown = pictured
    html = shown.body_html
    figure = re.search(r'<figure class="body-image">.*?</figure>', html, re.S).group(0)
    assert f'<picture><source type="image/avif" srcset="{image.avif_srcset}"' in figure
    assert '<source type="image/webp" srcset="' in figure and "640w" in figure
    assert f'srcset="{image.srcset}" sizes="(min-width: 42rem) 42rem, 100vw"' in figure
    assert 'width="1600" height="1067" alt="A quiet bedroom at dusk"' in figure
    assert 'loading="lazy" decoding="async"' in figure
    assert "<figcaption>Rest &lt;b&gt;matters&lt;/b&gt; <small>Ann Lens · CC BY 4.0" in figure
    inline = re.search(r"<p>Text with <picture>.*?</picture> too\.</p>", html, re.S)
    assert inline and 'alt="inline"' in inline.group(0)
    assert "image:" not in html


def test_an_unknown_or_hostile_body_image_leaves_nothing_harmful(make_article):
    """An id not in the library renders nothing; a script in the alt text stays text."""
    article = make_article(
        body='Before.\n\n![x](image:999999)\n\n![<script>alert(1)</script>"](image:1)\n\nAfter.'
    )
    assert "<script" not in article.body_html and "image:" not in article.body_html
    assert "<p>Before.</p>" in article.body_html and "<p>After.</p>" in article.body_html


def test_changing_the_image_rewrites_the_bodies_that_show_it(pictured):
    """New alt text reaches the stored HTML of the article that shows the image."""
    image, _, shown = pictured
    image.alt = "A dark bedroom"
    image.save()
    shown.refresh_from_db()
    assert 'alt="A dark bedroom"' in shown.body_html


def test_editing_an_image_purges_the_cached_pages_that_show_it(
    client, pictured, make_article, publish, editor
):
    """New alt text reaches every cached page that shows the image (its hero's page, the
    page with it in the body, the home page's cards) at once; a page without it stays
    cached."""
    image, hero, shown = pictured
    diet = Topic.objects.create(name="Diet", slug="diet", description="Food.")
    other = publish(make_article("Nothing pictured", topic=diet, user=editor))
    other = other.get_absolute_url()
    pages = [hero.get_absolute_url(), shown.get_absolute_url(), "/"]
    for url in [*pages, other]:
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT", url
    image.alt = "A dark bedroom"
    image.save()
    for url in pages:
        response = client.get(url)
        assert response["X-Cache"] == "MISS", url
        assert "A quiet bedroom at dusk" not in response.content.decode(), url
    assert 'alt="A dark bedroom"' in client.get(hero.get_absolute_url()).content.decode()
    assert 'alt="A dark bedroom"' in client.get(shown.get_absolute_url()).content.decode()
    assert client.get(other)["X-Cache"] == "HIT"


def test_a_new_file_takes_the_old_picture_down_as_a_withdrawal(pictured, make_image):
    """Replacing the file counts as a withdrawal (no old copy of a page may stand in for
    the new one, even through an outage); new words in the caption do not, and an image
    that no live page shows purges nothing."""
    image = pictured[0]

    def counts():
        return SiteState.objects.values_list("changes", "withdrawals").get()

    before = counts()
    image.caption = "Rest matters most"
    image.save()
    assert counts() == (before[0] + 1, before[1])
    image.file.save("harbour.jpg", ContentFile(picture(halves=True)), save=False)
    image.save()
    assert counts() == (before[0] + 2, before[1] + 1)
    unused = make_image("unused.jpg")
    unused.alt = "Not on any page"
    unused.save()
    assert counts() == (before[0] + 2, before[1] + 1)


def test_revisions_version_the_hero_choice(make_image, make_article, editor):
    """Choosing another hero is a change in the history, and reverting brings back the old."""
    from articles.publishing import revisions

    first, second = make_image("one.jpg"), make_image("two.jpg", alt="Another")
    article = make_article("Changing heroes", hero=first, user=editor)
    article.hero = second
    article.save(user=editor)
    newest, oldest = article.revisions().first(), article.revisions().last()
    assert newest.changed == ["hero from the library"]
    assert oldest.content["fields"]["hero"] == first.pk
    revisions.apply_fields(article, oldest.content["fields"])
    assert article.hero == first


def test_an_image_in_use_cannot_be_deleted(pictured, client, editor):
    """The admin lists where the image is used and refuses to delete it; the model too."""
    image, hero, shown = pictured
    client.force_login(editor)
    page = client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert "Pictured piece</a> (hero image)" in page
    assert "Shown in the text</a> (in the body)" in page
    refused = client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 200 and "would require deleting" in refused.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()
    Article.objects.filter(pk=hero.pk).update(hero=None)
    with pytest.raises(ProtectedError):
        image.delete()


def test_an_unused_image_can_be_deleted(make_image, client, editor):
    """With no article showing it, an editor deletes it."""
    image = make_image()
    client.force_login(editor)
    client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert not Image.objects.filter(pk=image.pk).exists()


def test_the_admin_lists_thumbnails_and_searches_what_is_written(
    make_image, client, writer, django_assert_max_num_queries
):
    """The list shows each image's thumbnail in a fixed number of queries; search reads
    alt text, caption and credit."""
    for number in range(4):
        make_image(f"p{number}.jpg", picture(640, 480), alt=f"Picture {number}")
    make_image("q.jpg", picture(640, 480), alt="Harbour", credit="Quentin Snap")
    client.force_login(writer)
    with django_assert_max_num_queries(12):
        page = client.get("/admin/articles/image/").content.decode()
    assert len(re.findall(r'<img src="[^"]+-thumb\.[0-9a-f]{12}\.webp"', page)) == 5
    found = client.get("/admin/articles/image/", {"q": "quentin"}).content.decode()
    assert "Harbour" in found and "Picture 1" not in found


def test_an_upload_is_checked_by_its_header(client, writer):
    """A GIF is refused by the add form before anything is decoded or stored."""
    buffer = io.BytesIO()
    Pillow.new("RGB", (20, 20)).save(buffer, "GIF")
    client.force_login(writer)
    response = client.post(
        "/admin/articles/image/add/",
        {
            "file": SimpleUploadedFile("anim.gif", buffer.getvalue(), "image/gif"),
            "alt": "A GIF",
            "licence": "CC0",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert "GIF images are not accepted here" in response.content.decode()
    assert not Image.objects.exists()


def test_hashed_renditions_are_cached_for_a_year(client, make_image):
    """/media/ serves a rendition whose name carries its hash as immutable; the original
    file, which may be replaced, is served as usual."""
    image = make_image()
    for kind, content_type in (("webp", "image/webp"), ("avif", "image/avif")):
        rendition = client.get(image.renditions["widths"][0][kind])
        assert rendition.status_code == 200 and rendition["Cache-Control"] == IMMUTABLE
        assert rendition["Content-Type"] == content_type
    original = client.get(image.file.url)
    assert original.status_code == 200 and "immutable" not in original.get("Cache-Control", "")


def test_hero_uploads_move_into_the_library(make_article, editor):
    """The data migration makes a library image of each article's uploaded hero, with its
    alt text and a licence to check, and chooses it as the hero."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0022_image_library")
    article = make_article("Old hero", hero_image_alt="An old photo", user=editor)
    article.hero_image.save("old.jpg", ContentFile(picture(1000, 500)), save=False)
    article.save(user=editor)
    migration.heroes_into_library(apps, None)
    article.refresh_from_db()
    assert article.hero.file.name == article.hero_image.name
    assert (article.hero.alt, article.hero.licence) == ("An old photo", migration.UNKNOWN_LICENCE)
    assert [w["width"] for w in article.hero.renditions["widths"]] == [320, 480, 640, 960, 1000]


def test_an_unknown_image_is_a_problem_in_the_checks(make_article, make_image):
    """The editor's checks name a body image the library does not hold, and block it."""
    image = make_image()
    article = make_article(body=f"Text.\n\n![](image:{image.pk})\n\n![](image:999999)")
    (check,) = [c for c in article.analysis() if c.key == "library_images"]
    assert check.status == "problem" and "image:999999" in check.message
    assert f"image:{image.pk}," not in check.message
    article.body = f"Text.\n\n![](image:{image.pk})"
    article.render()
    assert not [c for c in article.analysis() if c.key == "library_images"]


def test_the_editor_preview_shows_library_images(client, editor, make_image):
    """The Markdown preview writes the picture out as the page will."""
    image = make_image()
    client.force_login(editor)
    html = client.post(
        "/markdownx/markdownify/", {"content": f"![](image:{image.pk})"}
    ).content.decode()
    assert '<figure class="body-image"><picture>' in html and image.srcset in html
