"""The image library: each image by its file's name in the media storage, with what is
written about it. Its sizes and renditions are made again from the file on restore.

A body shows an image by its id, ``![alt](image:42)``, which means nothing in another
database: the document names it by its file instead, ``(image:library/2026/12/a.jpg)``,
and a restore turns the name back into the id the image has there.
"""

import re

from django.core.files.storage import default_storage

from articles.models import Image

from ..base import ItemReport, save
from .fields import EXPORTED
from .values import assign, dump, rows

FIELDS = EXPORTED["articles.Image"]


def build():
    return [dump(image, FIELDS) for image in Image.objects.order_by("file")]


def restore(data, options, report):
    user = options.user
    if data.get("images") and user is not None and not user.has_perm("articles.add_image"):
        report.warnings.append("images not imported: you may not add library images")
        return
    for where, row in rows(data, "images", FIELDS):
        name = row["file"]
        if not isinstance(name, str) or not name or not default_storage.exists(name):
            report.warnings.append(f"{where}: “{name}” is not in the media storage; left out")
            continue
        image = Image.objects.filter(file=name).first()
        action = "updated" if image else "created"
        image = image or Image()
        assign(image, row, FIELDS, where, report)
        save(image, options)  # checked as the admin's form would: alt, licence, focal point
        report.items.append(ItemReport(action, "library image", name))


_BY_ID = re.compile(r"\(image:(\d{1,9})\)")
# A stored name: the storage keeps letters, digits, "-", "_", "." and the folders' "/".
_BY_NAME = re.compile(r"\(image:([\w./-]{1,200})\)")


def files():
    """{id: file name} of the library."""
    return dict(Image.objects.values_list("pk", "file"))


def portable_body(text, names):
    """A body with its library images named by file (``names``: {id: file name})."""
    if not isinstance(text, str) or "(image:" not in text:
        return text
    return _BY_ID.sub(
        lambda found: f"(image:{names[int(found[1])]})" if int(found[1]) in names else found[0],
        text,
    )


def local_body(text, ids):
    """A body from the document with its images named by id here (``ids``: {file: id})."""
    if not isinstance(text, str) or "(image:" not in text:
        return text
    return _BY_NAME.sub(
        lambda found: f"(image:{ids[found[1]]})" if found[1] in ids else found[0], text
    )
