"""The `shouhou` command: Django's management commands under the product's name.

    shouhou serve [--prod]      start the web server (and the in-process worker)
    shouhou demo --tickets N    load realistic demo data
    shouhou import customers|sites|assets FILE
    shouhou export tickets|customers|sites|assets FILE
    shouhou retention [--apply]  anonymise or delete records whose retention ended (dry run by default)
    shouhou bench intake|list|calendar|clocks
    shouhou document NAME [-o FILE]   print a document's sample to PDF (--list: the documents)
    shouhou migrate, createsuperuser, … any manage.py command
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "shouhou"
    # `import` is a Python keyword and a poor module name; the command is import_data.
    if len(argv) > 1 and argv[1] == "import":
        argv[1] = "import_data"
    if len(argv) > 1 and argv[1] == "export":
        argv[1] = "export_data"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
