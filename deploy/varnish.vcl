# The edge in front of the app servers (docs/deploy.md, "The edge"): Varnish 7 with the
# xkey module (Debian: varnish, varnish-modules).
#
# It keeps an anonymous reader's public page for as long as the page's own s-maxage says
# (a day), and forgets it the moment the origin purges one of the keys the page names in
# its `xkey` header (public/purge.py sends `PURGE` with the keys in `xkey-purge`). Only
# responses that name their keys are kept: anything else could not be purged. Right after
# a purge the purger asks for the pages it removed with `X-Edge-Refresh`, so that their
# next reader finds them kept; `manage.py warm_edge` fills an empty edge from the sitemap.
#
# scripts/run_varnish.sh runs this file as it is, changing only the lines marked "site:":
# the backend's address and the Host of its health probe.

vcl 4.1;

import std;
import var;
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
        # Every fetch under way may bring a page rendered before this change: from now on
        # none of them is kept (vcl_backend_response). Any new value will do.
        var.global_set("last_purge", req.xid);
        # A hard purge: a page showing what changed is never served again, even stale.
        set req.http.purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.purged + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url == "/.edge/recent-searches") {
        # The searches readers asked for last, for the purger to refresh after a purge of
        # `search` (public/purge.py): a search has no one address it could know.
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed"));
        }
        return (synth(200, "Recent searches"));
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
    # One page, one copy: what only a link's tracker reads (utm_source, fbclid ...) is
    # dropped, and the rest sorted, so a shared link is the page every reader already asked
    # for. The pages read q, page, p and audience only.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "(?<=[?&])(utm_[a-z_]+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|ref_src)(=[^&]*)?(&|$)",
            "");
        set req.url = std.querysort(regsub(req.url, "[?&]+$", ""));
    }
    # The purger (and the warmer) asking for a page it has just purged: fetched from the
    # origin even if a copy is kept, so that the next reader finds it fresh (public/purge.py).
    # From anyone else it would only be a way to load the origin.
    if (req.http.X-Edge-Refresh) {
        if (client.ip ~ purgers) {
            set req.hash_always_miss = true;
        } else {
            unset req.http.X-Edge-Refresh;
        }
    }
    # A copy past its age is served while it is fetched again (stale-while-revalidate);
    # while the origin is down, for as long as the page allows (stale-if-error).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_hash {
    # The page's address alone: the site has one host name (SITE_URL builds every link on
    # it, and the origin refuses a host it does not serve, with nothing kept), so a reader
    # asking by another allowed name, or the warmer asking by an edge node's address, finds
    # the same copy.
    hash_data(req.url);
    return (lookup);
}

sub vcl_init {
    var.global_set("last_purge", "none");
    var.global_set("recent_searches", "");
}

sub vcl_synth {
    if (req.url == "/.edge/recent-searches" && resp.status == 200) {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.http.Cache-Control = "no-store";
        set resp.body = var.global_get("recent_searches");
        return (deliver);
    }
}

sub vcl_backend_fetch {
    var.set("purge_before_fetch", var.global_get("last_purge"));
    unset bereq.http.X-Edge-Refresh;
}

sub vcl_backend_response {
    if (!beresp.http.xkey) {
        # Named no keys: a change could not purge it, so it is not kept.
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    if (var.get("purge_before_fetch") != var.global_get("last_purge")) {
        # A purge reached this edge while the page was fetched: the origin may have rendered
        # it before the change that purge is for, and the purge could not remove a page not
        # kept yet. Whoever asked gets it; it is not kept (the next request fetches it again).
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # For vcl_deliver, which checks again once the page is kept.
    set beresp.http.x-fetch = bereq.xid;
    set beresp.http.x-purge-before-fetch = var.get("purge_before_fetch");
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
    if (obj.hits == 0 && resp.http.x-fetch
        && resp.http.x-purge-before-fetch != var.global_get("last_purge")) {
        # A purge reached the edge between the check in vcl_backend_response and this page
        # being kept (which it could not see): the page is banned, never served again.
        if (!std.ban("obj.http.x-fetch == " + resp.http.x-fetch)) {
            std.log("ban failed: " + std.ban_error());
        }
    }
    unset resp.http.x-fetch;
    unset resp.http.x-purge-before-fetch;
    if (req.url ~ "^/search/\?.{1,300}$" && resp.status == 200 && !req.http.X-Edge-Refresh) {
        # The last 32 searches readers were answered, newest first (repeats included: the
        # most asked hold more places). Two at once may lose one: it is only a hint. An
        # address past 300 characters is no reader's search worth refreshing, and the list
        # stays small.
        var.global_set("recent_searches", regsub(
            req.url + " " + var.global_get("recent_searches"), "^((?:\S+ ){0,31}\S+).*$", "\1"));
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
