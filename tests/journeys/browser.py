"""A form-filling client: what a browser would post from the admin's real pages.

Each journey reads the page the person sees, takes the form as the server rendered it
(every input, hidden field, textarea and select, with its value), changes what the
person would change, attaches real files and posts it multipart, as the browser does.
So a field the form lacks, or a value it would not send, fails the journey.
"""

import re
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select, self._option = (
            [],
            None,
            None,
            None,
            None,
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": [], "buttons": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image", "button"):
                self._form["buttons"].append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value", "on"), kind))
            elif kind == "file":
                self._form["fields"].append((name, None, "file"))
            else:
                self._form["fields"].append((name, attrs.get("value", ""), kind))
        elif tag == "button" and name:
            self._form["buttons"].append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "chosen": None, "first": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = [value, "", "selected" in attrs]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the one newline that follows <textarea>.
            self._form["fields"].append((name, text.removeprefix("\n"), "textarea"))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            value = text.strip() if value is None else value
            if self._select["first"] is None:
                self._select["first"] = value
            if selected:
                self._select["chosen"] = value
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if chosen is None:
                chosen = self._select["first"]
            if chosen is not None:
                self._form["fields"].append((self._select["name"], chosen, "select"))
            self._select = None
        elif tag == "form":
            self._form = None


def forms(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_data(html, form_id=None, action=None):
    """{name: value or [values]} of one form, as the browser would post it unchanged."""
    for found in forms(html):
        attrs = found["attrs"]
        if form_id and attrs.get("id") != form_id:
            continue
        if action is not None and attrs.get("action", "") != action:
            continue
        data = {}
        for name, value, kind in found["fields"]:
            if kind == "file":
                continue  # no file chosen: the browser sends an empty part
            if name in data:
                data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]),
                              value]  # fmt: skip
            else:
                data[name] = value
        return data
    raise AssertionError(f"No form {form_id or action!r} on the page")


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def messages(html):
    """The admin's messages on a page, as text."""
    found = re.findall(r'<li class="(success|info|warning|error)">(.*?)</li>', html, re.S)
    return [(level, re.sub(r"<[^>]+>", "", text).strip()) for level, text in found]


def errors(html):
    """Form errors shown on a page, as text."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    notes = re.findall(r'<p class="errornote">(.*?)</p>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", text).strip() for text in (*notes, *found)]
