"""Cloudflare: purge by cache tag, the tags read from the ``Cache-Tag`` header.

Cloudflare has no soft purge: every purge removes the copies. Params: ZONE_ID,
API_TOKEN, and API_URL only to point it elsewhere (a test server)."""

from .base import Backend


class CloudflareBackend(Backend):
    batch = 30  # the most tags Cloudflare takes a request

    def purge(self, keys, hard):
        base = self.params.get("API_URL", "https://api.cloudflare.com/client/v4").rstrip("/")
        url = f"{base}/zones/{self.params['ZONE_ID']}/purge_cache"
        token = {"Authorization": f"Bearer {self.params['API_TOKEN']}"}
        self.post_batches(url, "tags", keys, token)
