from django import forms

from articles.models import Author, Topic
from articles.publishing import revisions, sharing


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files if item]
        if not cleaned:
            raise forms.ValidationError("Choose at least one file.")
        # Size and encoding are checked per file by the importer, which reports each one.
        return cleaned


class ImportForm(forms.Form):
    files = MultipleFileField(
        help_text="Text files in the seed formats (.txt), or a JSON export. "
        "Each file is imported on its own: one bad file does not stop the others."
    )
    author = forms.ModelChoiceField(Author.objects.all(), required=False)
    topic = forms.ModelChoiceField(Topic.objects.all(), required=False)
    title = forms.CharField(
        max_length=200, required=False, help_text="For a single file that has no title."
    )
    force = forms.BooleanField(
        required=False,
        label="Overwrite items in review or published (sends them back to draft)",
    )
    dry_run = forms.BooleanField(required=False, label="Dry run: report only, write nothing")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") and len(cleaned.get("files") or []) > 1:
            self.add_error("title", "A title names one article: upload a single file with it.")
        return cleaned


class FeedbackForm(forms.Form):
    """Feedback from an outside reviewer on a shared page: a name, an optional address to
    answer, and the text, each bounded."""

    name = forms.CharField(label="Your name", max_length=sharing.NAME_MAX_LENGTH)
    email = forms.EmailField(
        label="Your e-mail (optional)", required=False,
        help_text="Only if you would like an answer.",
    )  # fmt: skip
    text = forms.CharField(
        label="Your feedback", max_length=sharing.FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip

    def clean_name(self):
        name = self.cleaned_data["name"]
        if any(char in name for char in "\r\n\t") or not name.isprintable():
            raise forms.ValidationError("Write your name on one line.")
        return name

    def clean_text(self):
        text = revisions.normalize_text(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError("Write something to send.")
        return text
