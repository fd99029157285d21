"""Make ``stardesk.policy`` importable when the project is not installed (plain ``pytest -p no:django``)."""

import importlib.util
import sys
from pathlib import Path

_SRC = Path(__file__).resolve().parents[2] / "src"
try:
    _found = importlib.util.find_spec("stardesk.policy") is not None
except ModuleNotFoundError:
    _found = False
if not _found:
    sys.path.insert(0, str(_SRC))
