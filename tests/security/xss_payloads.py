"""A corpus of cross-site scripting payloads for the XSS tests of this folder.

Each payload, if a page ever let it run, sets ``window.__xss = 1`` (or calls
``alert(1)``, which the browser test sees as a dialog). The corpus is shared by
``test_xss_corpus.py`` (server side: every writable field × every page that shows it)
and ``test_xss_browser.py`` (real Chromium).

``kind`` says how the payload attacks:

* ``html``: raw markup (tags, attributes, URLs, encodings, SVG/MathML, broken markup);
  put into a page unescaped it would run. The scanner self-test checks that.
* ``markdown``: only dangerous once rendered as Markdown (links, images, autolinks,
  reference links…); the self-test renders it with Python-Markdown first.
* ``text``: aimed at other contexts (JavaScript strings, template engines, the
  JSON-LD block); inert as HTML, so only "survives unchanged and runs nothing" is
  checked.

No payload contains a NUL byte: PostgreSQL text columns refuse it (``java\\0script``
is written with a literal backslash, and ``&#0;`` as an entity instead).
"""

from __future__ import annotations

from dataclasses import dataclass

# <script>window.__xss=1</script>, base64 (for data: URLs)
B64_SCRIPT = "PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg=="
# <svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"/>, base64
B64_SVG = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0id2luZG93Ll9feHNzPTEiLz4="


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    kind: str = "html"

    def __str__(self) -> str:
        return self.id


_RAW = [
    # --- <script> in its many spellings -------------------------------------------------
    ("script-plain", "<script>window.__xss=1</script>"),
    ("script-upper", "<SCRIPT>window.__xss=1</SCRIPT>"),
    ("script-mixed-case-attrs", '<ScRiPt type="text/javascript" defer>window.__xss=1</sCrIpT>'),
    ("script-src-data", '<script src="data:text/javascript,window.__xss=1"></script>'),
    ("script-slash-src", "<script/src=data:,window.__xss=1></script>"),
    ("script-split-nested", "<scr<script>ipt>window.__xss=1</scr</script>ipt>"),
    ("script-newline-in-tag", "<script\n>window.__xss=1</script\n>"),
    ("script-unclosed-comment", "<script>window.__xss=1<!--</script>"),
    ("script-alert", "<script>alert(1)</script>"),
    # --- event handlers on many tags -----------------------------------------------------
    ("img-onerror", "<img src=x onerror=window.__xss=1>"),
    ("img-onerror-quoted", '<img src="x" onerror="window.__xss=1" alt="x">'),
    ("img-onerror-alert", "<img src=x onerror=alert(1)>"),
    ("img-slashes", "<img/src=\"x\"/onerror=window.__xss=1>"),
    ("svg-onload", "<svg onload=window.__xss=1>"),
    ("svg-slash-onload", "<svg/onload=window.__xss=1>"),
    ("body-onload", "<body onload=window.__xss=1>"),
    ("details-ontoggle", "<details open ontoggle=window.__xss=1><summary>x</summary></details>"),
    ("video-source-onerror", "<video><source onerror=window.__xss=1></video>"),
    ("video-onerror", "<video src=x onerror=window.__xss=1></video>"),
    ("audio-onerror", "<audio src=x onerror=window.__xss=1></audio>"),
    ("input-autofocus", "<input onfocus=window.__xss=1 autofocus>"),
    ("select-autofocus", "<select autofocus onfocus=window.__xss=1></select>"),
    ("textarea-autofocus", "<textarea autofocus onfocus=window.__xss=1>x</textarea>"),
    ("marquee-onstart", "<marquee onstart=window.__xss=1>x</marquee>"),
    ("div-onmouseover-fullscreen",
     '<div onmouseover="window.__xss=1" style="position:fixed;inset:0;z-index:9999">x</div>'),
    ("a-allowed-tag-onclick", '<a href="https://example.org/" onclick="window.__xss=1">x</a>'),
    ("abbr-allowed-tag-onmouseover", '<abbr title="x" onmouseover="window.__xss=1">x</abbr>'),
    ("td-allowed-tag-onclick", "<table><tr><td onclick=window.__xss=1>x</td></tr></table>"),
    ("style-onload", "<style onload=window.__xss=1></style>"),
    ("iframe-onload", "<iframe onload=window.__xss=1></iframe>"),
    ("svg-set-onbegin", "<svg><set onbegin=window.__xss=1 attributeName=x dur=1s /></svg>"),
    ("svg-animate-onend", "<svg><animate onend=window.__xss=1 attributeName=x dur=1s /></svg>"),
    # --- dangerous URL schemes ----------------------------------------------------------
    ("a-href-javascript", '<a href="javascript:window.__xss=1">x</a>'),
    ("a-href-javascript-mixed-case", '<a href="JaVaScRiPt:window.__xss=1">x</a>'),
    ("a-href-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    ("a-href-data-html", f'<a href="data:text/html;base64,{B64_SCRIPT}">x</a>'),
    ("iframe-src-javascript", '<iframe src="javascript:window.__xss=1"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;parent.__xss=1&lt;/script&gt;"></iframe>'),
    ("form-action-javascript", '<form action="javascript:window.__xss=1"><input type="submit"></form>'),
    ("button-formaction", '<form><button formaction="javascript:window.__xss=1">x</button></form>'),
    ("svg-xlink-href", '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">x</text></a></svg>'),
    ("svg-animate-href",
     '<svg><a><animate attributeName="href" values="javascript:window.__xss=1"/><text x="20" y="20">x</text></a></svg>'),
    ("img-src-javascript", '<img src="javascript:window.__xss=1">'),
    ("object-data-javascript", '<object data="javascript:window.__xss=1"></object>'),
    ("embed-src-data", f'<embed src="data:image/svg+xml;base64,{B64_SVG}">'),
    # --- encoded schemes ------------------------------------------------------------------
    ("href-entity-tab", '<a href="jav&#x09;ascript:window.__xss=1">x</a>'),
    ("href-entity-decimal-j", '<a href="&#106;avascript:window.__xss=1">x</a>'),
    ("href-entity-hex-all",
     '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;window.__xss=1">x</a>'),
    ("href-entity-no-semicolons",
     '<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58window.__xss=1">x</a>'),
    ("href-backslash-zero", '<a href="java\\0script:window.__xss=1">x</a>'),
    ("href-entity-nul", '<a href="java&#0;script:window.__xss=1">x</a>'),
    ("href-newline-in-scheme", '<a href="java\nscript:window.__xss=1">x</a>'),
    ("href-leading-space-control", '<a href=" &#14; javascript:window.__xss=1">x</a>'),
    ("href-percent-encoded", '<a href="%6Aavascript%3Awindow.__xss=1">x</a>'),
    ("href-js-unicode-escape", '<a href="\\u006aavascript:window.__xss=1">x</a>'),
    ("href-fullwidth", '<a href="ｊａｖａｓｃｒｉｐｔ：window.__xss=1">x</a>'),
    # --- SVG and MathML tricks ------------------------------------------------------------
    ("svg-script", "<svg><script>window.__xss=1</script></svg>"),
    ("svg-script-href", '<svg><script href="data:,window.__xss=1"/></svg>'),
    ("mathml-mglyph-style", "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>"),
    ("mathml-href", '<math href="javascript:window.__xss=1">x</math>'),
    ("svg-foreignobject", "<svg><foreignObject><img src=x onerror=window.__xss=1></foreignObject></svg>"),
    ("noscript-title-mxss", '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">'),
    ("comment-breakout", '<!--<img src="--><img src=x onerror=window.__xss=1>">'),
    ("cdata-breakout", "<![CDATA[><img src=x onerror=window.__xss=1>]]>"),
    ("xmp-breakout", "<xmp></xmp><img src=x onerror=window.__xss=1></xmp>"),
    # --- broken markup and context breaks ---------------------------------------------------
    ("img-unterminated-quote", '<img src="x onerror="window.__xss=1'),
    ("img-unterminated-tag", "<img src=x onerror=window.__xss=1 //"),
    ("attr-break-double", '"><script>window.__xss=1</script>'),
    ("attr-break-single", "'><img src=x onerror=window.__xss=1>"),
    ("attr-inject-double", '" onmouseover="window.__xss=1" autofocus onfocus="window.__xss=1" x="'),
    ("textarea-break", "</textarea><script>window.__xss=1</script>"),
    ("title-break", "</title><script>window.__xss=1</script>"),
    ("script-break", "</script><script>window.__xss=1</script>"),
    ("style-break", "</style><img src=x onerror=window.__xss=1>"),
    # --- frames, plugins, base, meta, link, CSS ----------------------------------------------
    ("iframe-plain", '<iframe src="https://example.org/"></iframe>'),
    ("base-href", '<base href="javascript:window.__xss=1//">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">'),
    ("link-import", f'<link rel="import" href="data:text/html;base64,{B64_SCRIPT}">'),
    ("style-expression", '<div style="width:expression(window.__xss=1)">x</div>'),
    ("style-url-javascript", '<p style="background:url(javascript:window.__xss=1)">x</p>'),
    ("style-import", "<style>@import 'https://example.org/x.css';</style>"),
    # --- other contexts (JavaScript strings, template engines) -------------------------------
    ("js-string-single", "'-alert(1)-'", "text"),
    ("js-string-double", '";window.__xss=1;//', "text"),
    ("js-escaped-script-close", "\\u003c/script\\u003e\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e", "text"),
    ("html-comment-open", "<!--", "text"),
    ("ssti-django-var", "{{7*7}}", "text"),
    ("ssti-django-debug", "{% debug %}", "text"),
    ("ssti-django-load", "{% load static %}{% static 'x' %}", "text"),
    ("ssti-dollar", "${7*7}#{7*7}", "text"),
    # --- Markdown ---------------------------------------------------------------------------
    ("md-link-javascript", "[x](javascript:window.__xss=1)", "markdown"),
    ("md-link-javascript-alert", "[click me](javascript:alert(1))", "markdown"),
    ("md-image-javascript", "![x](javascript:window.__xss=1)", "markdown"),
    ("md-link-data", f"[x](data:text/html;base64,{B64_SCRIPT})", "markdown"),
    ("md-link-vbscript", "[x](vbscript:msgbox(1))", "markdown"),
    ("md-autolink-javascript", "<javascript:window.__xss=1>", "markdown"),
    ("md-reference-link", "[x][evil]\n\n[evil]: javascript:window.__xss=1", "markdown"),
    ("md-link-entity-scheme", "[x](&#106;avascript:window.__xss=1)", "markdown"),
    ("md-link-title-breakout", '[x](https://example.org/ "a\\" onmouseover=\\"window.__xss=1")', "markdown"),
    ("md-image-alt-breakout", '![x" onerror="window.__xss=1](https://example.org/x.png)', "markdown"),
    ("md-abbr-title", '*[HTML]: "><img src=x onerror=window.__xss=1>\n\nHTML', "markdown"),
    ("md-heading-html", "# <img src=x onerror=window.__xss=1>", "markdown"),
    ("md-code-span", "`<script>window.__xss=1</script>`", "markdown"),
    ("md-fenced-code", "```html\n</code></pre><script>window.__xss=1</script>\n```", "markdown"),
]

PAYLOADS: list[Payload] = [Payload(*row) for row in _RAW]

# Values that pass Django's URLValidator (so an author can save them in a URL field)
# but try to break out of the attribute, the JSON-LD block or the HTML around them.
URL_PAYLOADS: list[Payload] = [
    Payload("url-attr-break-script", 'https://example.org/"><script>window.__xss=1</script>'),
    Payload("url-attr-break-single", "https://example.org/'onmouseover='window.__xss=1'"),
    Payload("url-fragment-attr", 'https://example.org/#"onmouseover="window.__xss=1"'),
    Payload("url-img-tag", "https://example.org/?q=<img/src=\"x\"/onerror=window.__xss=1>"),
    Payload("url-script-close", "https://example.org/</script><script>window.__xss=1</script>"),
    Payload("url-javascript-in-query", "https://example.org/?next=javascript:window.__xss=1"),
]

# Values that must NOT pass the URL fields' validation.
REJECTED_URLS = [
    "javascript:window.__xss=1",
    "JAVASCRIPT:window.__xss=1",
    " javascript:window.__xss=1",
    "vbscript:msgbox(1)",
    f"data:text/html;base64,{B64_SCRIPT}",
    "jav\tascript:window.__xss=1",
    "javascript://example.org/%0Awindow.__xss=1",
]


def batches(size: int) -> list[list[Payload]]:
    return [PAYLOADS[i:i + size] for i in range(0, len(PAYLOADS), size)]


def short(payload: Payload, limit: int) -> bool:
    """Whether ``payload`` fits a field of ``limit`` characters next to a marker word."""
    return len(payload.text) + 16 <= limit
