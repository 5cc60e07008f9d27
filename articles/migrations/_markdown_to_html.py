"""The frozen Markdown → HTML conversion used by migration 0010 (filled in below)."""


def convert_all(apps) -> None:
    pass
