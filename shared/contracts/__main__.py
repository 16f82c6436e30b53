"""The generator needs the services' event classes, which the platform does not import."""

import sys

sys.exit("`python -m shared.contracts` moved: run `python -m services.contracten` (make contracts)")
