"""`python -m assist` runs the command line."""

import sys

from assist.cli import main

sys.exit(main())
