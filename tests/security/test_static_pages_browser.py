"""Issue 14 item 11 in Chromium: static pages whose stored content is hostile, with the
Content-Security-Policy header removed (as a misconfigured proxy would), run no script.

The harness (Chromium in its own thread, the DOM checks, ``window.__xss``, dialogs, the
mouse sweep) is the XSS corpus's (tests/security/test_xss_browser.py); its harness tests
prove it sees a vulnerable page.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.test_static_pages import MARK, PAGES, hostile_static_pages
from tests.security.test_xss_browser import Chromium, Visit, execute

pytestmark = [pytest.mark.browser, pytest.mark.backend_independent, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    browser = Chromium()
    yield browser
    browser.close()


def test_static_pages_run_no_script_with_csp_stripped(live_server, chromium, settings):
    settings.CONTENT_SECURITY_POLICY = None
    assert "Content-Security-Policy" not in Client().get(reverse("articles:search")).headers
    hostile_static_pages()
    plan = [Visit(url, url, expect=(MARK,)) for url in PAGES]
    problems = chromium.run(execute, live_server.url, plan)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
