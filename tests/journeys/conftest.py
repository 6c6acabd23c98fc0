"""The demo site as `make run` makes it, and people who sign in through the login form."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from articles.management.commands.load_sample_content import ACCOUNTS, ADMIN
from tests.journeys.browser import form_data

PASSWORDS = {username: password for username, password, *_ in (*ACCOUNTS, ADMIN)}


@pytest.fixture
def demo(db):
    """The sample content and demo accounts, loaded by the command `make run` uses."""
    call_command("load_sample_content", stdout=io.StringIO())


class Person:
    """Someone at the desk: their own browser session, CSRF checks on, signed in through
    the login form with the demo password."""

    def __init__(self, username):
        self.username = username
        self.client = Client(enforce_csrf_checks=True)
        page = self.client.get("/admin/login/?next=/admin/").content.decode()
        data = form_data(page, form_id="login-form")
        data.update(username=username, password=PASSWORDS[username])
        response = self.client.post("/admin/login/?next=/admin/", data)
        assert response.status_code == 302, f"{username} could not sign in"

    def open(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def submit(self, url, form_id, changes, files=None, follow=True):
        """Post the form on ``url`` as the page has it, with ``changes`` made and ``files``
        attached (multipart, as the browser sends a file input)."""
        data = form_data(self.open(url), form_id=form_id)
        data.update(changes)
        data.update(files or {})
        return self.client.post(url, data, follow=follow)


@pytest.fixture
def people(demo):
    """The writer, the editor and the medical reviewer of the demo site, signed in."""
    return {name: Person(name) for name in ("writer", "editor", "reviewer")}


def picture(image_format, size=(1800, 1200), colour=(60, 110, 150)):
    """A real image file's bytes: a gradient, so the encoders have work to do."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(image, Image.new("RGB", size, colour), 0.5)
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def shown_messages(html):
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(
        r'<ul class="messagelist">(.*?)</ul>', html, re.S)]  # fmt: skip
