"""Varnish with the xkey module (Debian's varnish-modules), as deploy/varnish/default.vcl
sets it up: a PURGE request whose ``xkey-purge`` header (hard) or ``xkey-softpurge``
header (soft, the copies kept for grace) lists the keys.

LOCATION is the Varnish address, or several, one for each Varnish in front."""

from .base import Backend, PurgeError, _pool


class VarnishBackend(Backend):
    def locations(self):
        location = self.params["LOCATION"]
        return [location] if isinstance(location, str) else list(location)

    def purge(self, keys, hard):
        header = "xkey-purge" if hard else "xkey-softpurge"
        for location in self.locations():
            response = _pool.request(
                "PURGE", location.rstrip("/") + "/", headers={header: " ".join(keys)}
            )
            if response.status != 200:
                raise PurgeError(f"{location} answered {response.status} to a purge")
