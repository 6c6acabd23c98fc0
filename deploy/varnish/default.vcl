vcl 4.1;
# Varnish in front of the site's app servers (Debian: varnish and varnish-modules).
#
# Pages are kept until the app purges their surrogate keys (the xkey header) or their
# Surrogate-Control lifetime ends at the next scheduled change; browsers are told
# max-age=0 by the app and revalidate with ETags. A soft purge (an edit) lets readers
# get the old copy for the grace the app allows while one request fetches the new one;
# a hard purge (a page came down) drops it at once. See README, "Caching in front".

import std;
import xkey;
import cookie;

# One app server here; for several, declare each and put them in a round-robin director
# (import directors; new app = directors.round_robin(); app.add_backend(...)).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "No keys"));
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff pages, uploads, search, shared previews: never from this cache.
    if (req.url ~ "^/(admin|markdownx|search|share|accounts)/") {
        return (pass);
    }
    # Only the app's own cookies can make a page personal; others (analytics) are dropped
    # so they do not make every reader a miss.
    if (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        cookie.keep("sessionid,csrftoken,messages");
        set req.http.Cookie = cookie.get_string();
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    # A page is one copy whatever tracking parameters are added: only a page number
    # (?page=, or ?p= in the sitemap) names another page, as in the app's own cache.
    if (req.url ~ "\?" && req.url !~ "[?&](page|p)=") {
        set req.url = regsub(req.url, "\?.*$", "");
    }
    # The builtin rules follow: a request with a cookie or authorization is passed.
}

sub vcl_backend_response {
    # The app says how long a page may be kept here, and the grace after it.
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, ".*max-age=([0-9]+).*", "\1s"), 0s);
        if (beresp.http.Surrogate-Control ~ "stale-while-revalidate=[0-9]+") {
            set beresp.grace = std.duration(regsub(beresp.http.Surrogate-Control,
                ".*stale-while-revalidate=([0-9]+).*", "\1s"), 0s);
        } else {
            # An Unpublish at falls within the grace: no stale copy past its time.
            set beresp.grace = 0s;
        }
        # Past its lifetime a copy may still be revalidated with its ETag (a 304).
        set beresp.keep = 1h;
    } else {
        # Anything the app did not mark as a cached page is never kept here.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    # The keys and lifetimes are for this cache only.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.Surrogate-Control;
    unset resp.http.CDN-Cache-Control;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
        if (obj.ttl <= 0s) {
            set resp.http.X-Cache = "STALE";
        }
    }
    set resp.http.X-Cache-Tier = "varnish";
}
