# The edge in front of the app servers (docs/deploy.md, "The edge"): Varnish 7 with the
# xkey module (Debian: varnish, varnish-modules).
#
# It keeps an anonymous reader's public page for as long as the page's own s-maxage says
# (a day), and forgets it the moment the origin purges one of the keys the page names in
# its `xkey` header (public/purge.py sends `PURGE` with the keys in `xkey-purge`). Only
# responses that name their keys are kept: anything else could not be purged.
#
# scripts/run_varnish.sh runs this file as it is, changing only the lines marked "site:":
# the backend's address and the Host of its health probe.

vcl 4.1;

import std;
import xkey;

probe origin_ready {
    # Liveness of the app server: touches nothing outside the process.
    .request =
        "GET /healthz HTTP/1.1"
        "Host: answers.example.org"  # site: probe host
        "Connection: close";
    # Generous: a server busy rendering answers late, and a backend marked sick gets no
    # requests at all (readers would get errors instead of slow pages). A stopped one is
    # seen within ten seconds.
    .interval = 2s;
    .timeout = 5s;
    .window = 5;
    .threshold = 2;
    .initial = 2;
}

backend origin {
    .host = "127.0.0.1";  # site: backend host
    .port = "8000";  # site: backend port
    .probe = origin_ready;
    .connect_timeout = 2s;
    # gunicorn runs with --timeout 30: its answer, or its own error, comes first.
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 10s;
}

# Who may purge: the app servers and the task workers that send purges.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in the xkey-purge header"));
        }
        # A hard purge: a page showing what changed is never served again, even stale.
        set req.http.purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.purged + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The public pages (public/urls.py). Everything else (the desk, the API, log-in,
    # health, static files) goes to the origin as it came.
    if (req.url !~ "^/($|\?|articles/|search/|editorial-policy/|board/|feeds/|sitemap\.xml)") {
        return (pass);
    }
    # Someone signed in, or with a message waiting, gets their own page.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=" || req.http.Authorization) {
        return (pass);
    }
    # Every other reader gets the same bytes (the pages Vary on Cookie only for the session).
    unset req.http.Cookie;
    # A copy past its age is served while it is fetched again (stale-while-revalidate);
    # while the origin is down, for as long as the page allows (stale-if-error).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (!beresp.http.xkey) {
        # Named no keys: a change could not purge it, so it is not kept.
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        # The origin failed while refreshing a copy past its age: keep serving the copy.
        return (abandon);
    }
    # How long a copy past its s-maxage may still be served while the origin is down
    # (req.grace in vcl_recv limits it to stale-while-revalidate while it is up).
    if (beresp.http.Cache-Control ~ "stale-if-error=\d+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, ".*stale-if-error=(\d+).*", "\1") + "s", 0s);
    }
    # Then the builtin rules: no-store (a page served stale by the origin), private,
    # Set-Cookie and Vary: * are never kept.
}

sub vcl_deliver {
    # What the page named is for the edge; readers are told whether it came from the edge.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.purged;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
