"""Settings for the test suite: the product's own, in testing mode."""
import os

os.environ["STARDESK_TESTING"] = "1"

from stardesk.settings import *  # noqa: E402,F401,F403
