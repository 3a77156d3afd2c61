"""Where the tests find the checkout and the recorded payloads."""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout (the directory holding data/, app/, widgets/ and tests/).
ROOT = Path(__file__).resolve().parents[2]
#: The recorded API payloads in ../shared/fixtures (FLOWDECK_FIXTURES overrides); never copied here.
FIXTURES = Path(os.environ.get("FLOWDECK_FIXTURES", ROOT.parent / "shared" / "fixtures")).resolve()
