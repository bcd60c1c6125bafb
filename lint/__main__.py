"""`python -m gie_lint` is the `gie-lint` command."""

import sys

from gie_lint.cli.main import main

sys.exit(main())
