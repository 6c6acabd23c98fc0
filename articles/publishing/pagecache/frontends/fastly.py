"""Fastly: purge by surrogate key, the keys read from the ``Surrogate-Key`` header.

A soft purge marks the copies stale (served while Fastly fetches anew, within the
service's stale-while-revalidate), a hard one removes them. Params: SERVICE_ID,
API_TOKEN, and API_URL only to point it elsewhere (a test server)."""

import json

import urllib3

from .base import TIMEOUT, Backend, PurgeError

_pool = urllib3.PoolManager(timeout=TIMEOUT, retries=False)
# Fastly takes at most 256 keys a request.
BATCH = 256


class FastlyBackend(Backend):
    def purge(self, keys, hard):
        base = self.params.get("API_URL", "https://api.fastly.com").rstrip("/")
        headers = {"Fastly-Key": self.params["API_TOKEN"], "Content-Type": "application/json"}
        if not hard:
            headers["Fastly-Soft-Purge"] = "1"
        for start in range(0, len(keys), BATCH):
            response = _pool.request(
                "POST",
                f"{base}/service/{self.params['SERVICE_ID']}/purge",
                body=json.dumps({"surrogate_keys": keys[start : start + BATCH]}),
                headers=headers,
            )
            if response.status != 200:
                raise PurgeError(f"Fastly answered {response.status} to a purge")
