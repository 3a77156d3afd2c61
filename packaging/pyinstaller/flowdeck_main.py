"""Entry script of the frozen build: the ``flowdeck`` console script, nothing more.

PyInstaller runs its entry script as ``__main__``. Running ``app/cli.py`` itself that way would
define a second ``UsageError`` class (``__main__.UsageError``) that the commands never raise, so
this script imports the real module and calls it, exactly as the pip-installed console script does.
"""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
