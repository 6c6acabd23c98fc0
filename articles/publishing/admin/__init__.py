"""Admin behaviour shared by every publishable model: workflow, revisions, history.

PublishableAdmin (publishable.py) is made of one mixin per concern:

- changeform.py: the change form; the working copy it opens, saving, conflicts
- moves.py: workflow moves posted from the form, bulk actions, their permissions
- readonly.py: read-only fields on the form (rendered text, search checks, review standing)
- comments.py: comments and replies on the form
- history.py: the history timeline, comparing revisions, restoring one
- presence.py: who else has the form open
- lists.py: the change list's filters, columns and search
- writing.py: the writing tools' endpoints, the image chooser, the Markdown toolbar's data
- autosave.py: the unsaved form kept per person as it is typed

forms.py holds the form and the names of the fields it posts; inlines.py the parts edited
inline with their parent.
"""

from .forms import NormalizedTextMixin, StaleCheckForm
from .inlines import WorkingCopyInlineMixin
from .lists import MedicalReviewFilter, OwnerFilter, StateFilter
from .publishable import PublishableAdmin
from .writing import WritingToolsInlineMixin

__all__ = [
    "MedicalReviewFilter",
    "NormalizedTextMixin",
    "OwnerFilter",
    "PublishableAdmin",
    "StaleCheckForm",
    "StateFilter",
    "WorkingCopyInlineMixin",
    "WritingToolsInlineMixin",
]
