"""Date formats of the site's default locale, en-GB (``FORMAT_MODULE_PATH``).

Django's own en-GB ``DATE_FORMAT`` is "12 Mar 2024"; the site writes the month in full,
"12 March 2024", everywhere a template says ``{{ value|date }}`` (or ``date:"DATE_FORMAT"``).
Everything not set here falls back to Django's en-GB formats.
"""

DATE_FORMAT = "j F Y"  # 12 March 2024
