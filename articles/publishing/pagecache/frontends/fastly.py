"""Fastly: purge by surrogate key, the keys read from the ``Surrogate-Key`` header.

A soft purge marks the copies stale (served while Fastly fetches anew, within the
service's stale-while-revalidate), a hard one removes them. Params: SERVICE_ID,
API_TOKEN, and API_URL only to point it elsewhere (a test server)."""

from .base import Backend


class FastlyBackend(Backend):
    batch = 256  # the most keys Fastly takes a request

    def purge(self, keys, hard):
        base = self.params.get("API_URL", "https://api.fastly.com").rstrip("/")
        headers = {"Fastly-Key": self.params["API_TOKEN"]}
        if not hard:
            headers["Fastly-Soft-Purge"] = "1"
        url = f"{base}/service/{self.params['SERVICE_ID']}/purge"
        self.post_batches(url, "surrogate_keys", keys, headers)
