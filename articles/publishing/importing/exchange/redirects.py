"""The site's redirects from old addresses, so links to moved pages keep working."""

from django.conf import settings
from django.contrib.redirects.models import Redirect

from ..base import ItemReport
from .fields import EXPORTED
from .values import dump, rows

FIELDS = EXPORTED["redirects.Redirect"]
LONGEST = Redirect._meta.get_field("old_path").max_length


def build():
    redirects = Redirect.objects.filter(site_id=settings.SITE_ID).order_by("old_path")
    return [dump(redirect, FIELDS) for redirect in redirects]


def restore(data, options, report):
    user = options.user
    if "redirects" in data and user is not None and not user.has_perm("redirects.add_redirect"):
        if data["redirects"]:
            report.warnings.append("redirects not imported: you may not add redirects")
        return
    for where, row in rows(data, "redirects", FIELDS):
        old, new = row["old_path"], row["new_path"]
        if not (isinstance(old, str) and old.startswith("/") and isinstance(new, str)):
            report.warnings.append(f"{where}: not a redirect from an address on this site")
            continue
        if max(len(old), len(new)) > LONGEST:
            report.warnings.append(f"{where}: an address over {LONGEST} characters; left out")
            continue
        Redirect.objects.update_or_create(
            site_id=settings.SITE_ID, old_path=old, defaults={"new_path": new}
        )
        report.items.append(ItemReport("restored", "redirect", old))
