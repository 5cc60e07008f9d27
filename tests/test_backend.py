import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_backend_it_was_started_for():
    """scripts/test.sh says which backend a run is for; a run on another one is a failure."""
    expected = os.environ.get("BONESPINE_EXPECT_DB")
    if not expected:
        if os.environ.get("CI"):
            pytest.fail("CI must run the suite through scripts/test.sh (BONESPINE_EXPECT_DB unset).")
        pytest.skip("run outside scripts/test.sh")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
