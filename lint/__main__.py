"""`python -m lint` is the `gie-lint` command."""

import sys

from lint.cli.main import main

sys.exit(main())
