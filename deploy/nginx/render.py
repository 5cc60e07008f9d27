#!/usr/bin/env python3
"""Render Bonespine's nginx configuration (standard library only).

    # a self-contained nginx for make serve / the tests / make bench, written into RUN_DIR:
    python deploy/nginx/render.py --run-dir /tmp/x --listen 127.0.0.1:8000 \\
        --upstream unix:/tmp/x/gunicorn.sock --static-root staticfiles --media-root media
    nginx -p /tmp/x -e /tmp/x/error.log -c /tmp/x/nginx.conf

    # the production example (deploy/nginx/bonespine.example.conf is this output):
    python deploy/nginx/render.py --example

Templates: ``bonespine.conf.in`` (the site: upstream, micro-cache, server) and ``nginx.conf.in``
(the main file of the self-contained nginx). ``@NAME@`` marks a value; nginx's own ``$variables``
stay as they are.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
# The micro-cache TTL. nginx counts in whole seconds and keeps an entry until the clock has passed
# its expiry second, so an entry lives up to TTL + 1 s, and the first request after that still gets
# the stale copy while it is refreshed (proxy_cache_use_stale updating): 3 s keeps a withdrawn
# article on the proxy for at most about 4 s, inside the 5 s promise.
CACHE_SECONDS = 3

BROTLI = """\
    brotli on;
    brotli_comp_level 5;
    brotli_min_length 512;
    brotli_types text/css text/plain text/xml application/javascript text/javascript application/json
                 application/ld+json application/manifest+json application/xml application/rss+xml
                 application/atom+xml image/svg+xml;
"""

EXAMPLE_LISTEN = """\
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/letsencrypt/live/bonespine.example/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/bonespine.example/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:bonespine_tls:10m;
    ssl_session_timeout 1d;"""

EXAMPLE_EXTRA = """
# Plain http and the www. name: one permanent redirect to the canonical https address
# (the same address as BONESPINE_SITE_URL).
server {
    listen 80;
    listen [::]:80;
    server_name bonespine.example www.bonespine.example;
    server_tokens off;
    return 301 https://bonespine.example$request_uri;
}
server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name www.bonespine.example;
    server_tokens off;
    ssl_certificate /etc/letsencrypt/live/bonespine.example/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/bonespine.example/privkey.pem;
    return 301 https://bonespine.example$request_uri;
}
"""


def fill(template: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for @{name}@")
        return values[name]

    text = re.sub(r"@([A-Z_]+)@", value, template)
    return re.sub(r"\n{3,}", "\n\n", text)  # empty optional blocks leave no holes


def site_conf(*, listen: str, server_name: str, upstream: str, static_root: str, media_root: str,
              cache_dir: str, brotli: bool, cache_seconds: int = CACHE_SECONDS,
              session_cookie: str = "sessionid", extra: str = "") -> str:
    if not 1 <= cache_seconds <= 3:
        raise ValueError("the micro-cache TTL must be 1–3 s (a withdrawn article must be gone within 5 s)")
    return fill((HERE / "bonespine.conf.in").read_text(), {
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "UPSTREAM": upstream,
        "STATIC_ROOT": str(static_root).rstrip("/"),
        "MEDIA_ROOT": str(media_root).rstrip("/"),
        "CACHE_DIR": cache_dir,
        "CACHE_SECONDS": str(cache_seconds),
        "SESSION_COOKIE": re.escape(session_cookie),
        "BROTLI": BROTLI if brotli else "",
        "BROTLI_OFF": "        brotli off;" if brotli else "",
        "EXTRA": extra,
    })


def example_conf() -> str:
    """The production example: TLS on bonespine.example, gunicorn on 127.0.0.1:8000, /srv/bonespine."""
    return site_conf(
        listen=EXAMPLE_LISTEN, server_name="bonespine.example", upstream="127.0.0.1:8000",
        static_root="/srv/bonespine/staticfiles", media_root="/srv/bonespine/media",
        cache_dir="/var/cache/nginx/bonespine", brotli=True, extra=EXAMPLE_EXTRA,
    ).replace(
        "# TEMPLATE: deploy/nginx/render.py fills in the @…@ values.",
        "# PRODUCTION EXAMPLE, rendered from bonespine.conf.in by `deploy/nginx/render.py --example`.",
    ).replace(
        "\n    brotli on;",
        "\n    # Brotli needs Debian's libnginx-mod-http-brotli-filter (delete these lines without it).\n    brotli on;",
    )


def write_run_dir(*, run_dir: Path, listen: str, upstream: str, static_root: str, media_root: str,
                  brotli: str = "auto", cache_seconds: int = CACHE_SECONDS, access_log: str = "off",
                  workers: str = "auto", session_cookie: str = "sessionid") -> Path:
    """Write nginx.conf and bonespine.conf for a self-contained nginx into ``run_dir``; return nginx.conf."""
    run_dir = Path(run_dir).resolve()
    for sub in ("cache", "tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    use_brotli = BROTLI_MODULE.exists() if brotli == "auto" else brotli == "on"
    host, _, port = listen.rpartition(":")
    (run_dir / "bonespine.conf").write_text(site_conf(
        listen=f"    listen {listen};", server_name=host or "localhost", upstream=upstream,
        static_root=str(Path(static_root).resolve()), media_root=str(Path(media_root).resolve()),
        cache_dir=str(run_dir / "cache"), brotli=use_brotli, cache_seconds=cache_seconds,
        session_cookie=session_cookie,
    ))
    user = ""
    if os.geteuid() == 0:  # workers would otherwise run as "nobody", who may not read the project
        owner = pwd.getpwuid(run_dir.stat().st_uid).pw_name
        user = f"user {owner};"
    main = fill((HERE / "nginx.conf.in").read_text(), {
        "LOAD_MODULES": f"load_module {BROTLI_MODULE};" if use_brotli else "",
        "USER": user,
        "WORKERS": workers,
        "RUN_DIR": str(run_dir),
        "MIME_TYPES": str(MIME_TYPES),
        "ACCESS_LOG": access_log,
    })
    (run_dir / "nginx.conf").write_text(main)
    return run_dir / "nginx.conf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--example", action="store_true", help="print the production example and stop")
    parser.add_argument("--run-dir")
    parser.add_argument("--listen", default="127.0.0.1:8000")
    parser.add_argument("--upstream", help="gunicorn: unix:/path.sock or 127.0.0.1:PORT")
    parser.add_argument("--static-root", default="staticfiles")
    parser.add_argument("--media-root", default="media")
    parser.add_argument("--brotli", choices=["auto", "on", "off"], default="auto")
    parser.add_argument("--cache-seconds", type=int, default=CACHE_SECONDS)
    parser.add_argument("--access-log", default="off")
    parser.add_argument("--workers", default="auto")
    parser.add_argument("--session-cookie", default="sessionid")
    args = parser.parse_args(argv)
    if args.example:
        sys.stdout.write(example_conf())
        return 0
    if not args.run_dir or not args.upstream:
        parser.error("--run-dir and --upstream are required (or --example)")
    print(write_run_dir(
        run_dir=Path(args.run_dir), listen=args.listen, upstream=args.upstream, static_root=args.static_root,
        media_root=args.media_root, brotli=args.brotli, cache_seconds=args.cache_seconds,
        access_log=args.access_log, workers=args.workers, session_cookie=args.session_cookie,
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
