from django import forms

from articles.models import Author, Topic


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
