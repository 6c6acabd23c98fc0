"""Library images in a body: ``![alt](image:42)`` in the Markdown becomes a responsive
<picture> in the stored HTML, in a <figure> with its caption and credit when it stands
in a paragraph of its own.

It runs on the sanitized HTML, once per save: one pass over the text for the images,
one query for all of them, and every value written from the library is escaped. An id
that is not in the library leaves nothing behind.
"""

import re

from django.utils.html import escape

from .models import Image, body_reference

# The column a body image fills: 42rem, or the whole screen on a phone.
SIZES = "(min-width: 42rem) 42rem, 100vw"
# An <img> tag from the sanitizer, which quotes every value and writes no ">" inside one;
# possessive, so each tag is read once. The paragraph around it, when it is alone in one.
_TAG = re.compile(r"(<p>)?(<img\b[^>]*+>)(</p>)?")
_SRC = re.compile(r'\bsrc="image:(\d{1,9})"')
_ALT = re.compile(r'\balt="([^"]*)"')


def library_ids(html):
    return {int(found.group(1)) for found in _SRC.finditer(html)}


def embed(html):
    """``html`` with each library image written out in full (one query, or none)."""
    if 'src="image:' not in html:
        return html
    library = Image.objects.in_bulk(library_ids(html))

    def replace(found):
        paragraph, tag, end = found.groups()
        reference = _SRC.search(tag)
        if reference is None:
            return found.group(0)
        image = library.get(int(reference.group(1)))
        picture = _picture(image, tag) if image is not None else ""
        if paragraph and end:
            return _figure(image, picture) if picture else ""
        return f"{paragraph or ''}{picture}{end or ''}"

    return _TAG.sub(replace, html)


def _picture(image, tag):
    widths = image.renditions.get("widths")
    if not widths:
        return ""
    written = _ALT.search(tag)
    # The alt text written in the body is already escaped by the sanitizer.
    alt = written.group(1) if written and written.group(1).strip() else escape(image.alt)
    fallback = next((w for w in widths if w["width"] >= 960), widths[-1])
    largest = widths[-1]
    # The browser takes the first type it can show: AVIF, then WebP, then the original's.
    avif = image.avif_srcset
    avif = f'<source type="image/avif" srcset="{escape(avif)}" sizes="{SIZES}">' if avif else ""
    return (
        f'<picture>{avif}<source type="image/webp" srcset="{escape(image.webp_srcset)}" '
        f'sizes="{SIZES}"><img src="{escape(fallback["src"])}" '
        f'srcset="{escape(image.srcset)}" sizes="{SIZES}" width="{int(largest["width"])}" '
        f'height="{int(largest["height"])}" alt="{alt}" loading="lazy" decoding="async">'
        "</picture>"
    )


def _figure(image, picture):
    notes = [escape(text) for text in (image.credit, image.licence) if text.strip()]
    caption = escape(image.caption) if image.caption.strip() else ""
    if notes:
        caption += f"{' ' if caption else ''}<small>{' · '.join(notes)}</small>"
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="body-image">{picture}{figcaption}</figure>'


def refresh_bodies(image):
    """Write again the HTML of the articles whose body shows ``image``; returns them."""
    from articles.models import Article

    articles = list(Article.objects.filter(body__contains=body_reference(image.pk)))
    for article in articles:
        article.render_body()
        Article.objects.filter(pk=article.pk).update(
            body_html=article.body_html, search_text=article.search_text
        )
    return articles
