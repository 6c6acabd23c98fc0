"""A new id on every rendered response; see settings.py."""

import itertools
import os

HEADER = "X-Bench-Render"


class RenderMark:
    def __init__(self, get_response):
        self.get_response = get_response
        self.ids = itertools.count()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers[HEADER] = f"{os.getpid()}-{next(self.ids)}"
        return response
