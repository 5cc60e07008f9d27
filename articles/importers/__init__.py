"""Importers of other sites' content: ``wxr`` (WordPress exports), ``content`` and
``references`` (WordPress HTML → lead, sections, references), ``media`` (featured images),
``pages`` (static pages), ``services`` (the import itself), ``redirects`` (old addresses)
and ``report``. The command is ``manage.py import_wordpress``."""
