"""The MkDocs plugin `gie-lint` (lint/docs/plugin.py) and the pages it generates from a lint run."""
