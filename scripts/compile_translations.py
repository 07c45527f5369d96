"""Compile locale/*/LC_MESSAGES/*.po into .mo files in pure Python (no gettext tools, no Django
settings needed), like `manage.py compilemessages`. Only stale files are rebuilt."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    compiled = 0
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    print(f"compiled {compiled} translation file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
