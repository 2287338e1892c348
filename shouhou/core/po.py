"""Compile every gettext catalogue (.po → .mo) under the package with Babel.

Django's own `compilemessages` needs GNU gettext installed; a fresh machine has only Python,
so `make` compiles through Babel, a registry package.  Run: `python -m shouhou.core.po`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def catalogues(root: Path = ROOT):
    return sorted(root.glob("**/locale/*/LC_MESSAGES/django.po"))


def compile_all(root: Path = ROOT) -> int:
    count = 0
    for po_path in catalogues(root):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        count += 1
    return count


if __name__ == "__main__":
    n = compile_all()
    print(f"compiled {n} catalogue(s)", file=sys.stderr)
