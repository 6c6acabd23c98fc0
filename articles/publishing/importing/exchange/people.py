"""The staff accounts content points at (owners, authors' accounts, who did what).

Accounts travel without their passwords; a restore makes the ones missing here, with
no usable password and their groups, when the person importing may add accounts.
Accounts that exist here are left as they are.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ..base import ItemReport
from .fields import EXPORTED
from .values import assign, dump, rows

FIELDS = EXPORTED["auth.User"]


def build():
    User = get_user_model()
    people = User._default_manager.prefetch_related("groups").order_by(User.USERNAME_FIELD)
    return [dump(person, FIELDS) for person in people]


def restore(data, options, report):
    User = get_user_model()
    may_add = options.user is None or options.user.has_perm("auth.add_user")
    groups = {group.name: group for group in Group.objects.all()}
    here = set(User._default_manager.values_list(User.USERNAME_FIELD, flat=True))
    for where, row in rows(data, "people", ["username"]):
        username = row["username"]
        if not isinstance(username, str) or not username:
            report.warnings.append(f"{where}: no username; left out")
            continue
        if username in here:
            continue
        if not may_add:
            report.warnings.append(
                f"{where}: no account “{username}” here, and you may not add accounts; "
                "what it did is kept without a name"
            )
            continue
        person = User(**{User.USERNAME_FIELD: username})
        assign(person, row, [name for name in FIELDS if name != "groups"], where, report)
        person.set_unusable_password()
        person.save()
        named = row.get("groups") or []
        person.groups.set([groups[name] for name in named if name in groups])
        for name in sorted(set(named) - set(groups)):
            report.warnings.append(f"{where}: group “{name}” is not here; not given")
        here.add(username)
        report.items.append(ItemReport("created", "account", username))
