"""Cloudflare: purge by cache tag, the tags read from the ``Cache-Tag`` header.

Cloudflare has no soft purge: every purge removes the copies. Params: ZONE_ID,
API_TOKEN, and API_URL only to point it elsewhere (a test server)."""

import json

import urllib3

from .base import TIMEOUT, Backend, PurgeError

_pool = urllib3.PoolManager(timeout=TIMEOUT, retries=False)
# Cloudflare takes at most 30 tags a request.
BATCH = 30


class CloudflareBackend(Backend):
    def purge(self, keys, hard):
        base = self.params.get("API_URL", "https://api.cloudflare.com/client/v4").rstrip("/")
        for start in range(0, len(keys), BATCH):
            response = _pool.request(
                "POST",
                f"{base}/zones/{self.params['ZONE_ID']}/purge_cache",
                body=json.dumps({"tags": keys[start : start + BATCH]}),
                headers={
                    "Authorization": f"Bearer {self.params['API_TOKEN']}",
                    "Content-Type": "application/json",
                },
            )
            if response.status != 200:
                raise PurgeError(f"Cloudflare answered {response.status} to a purge")
