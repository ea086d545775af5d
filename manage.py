#!/usr/bin/env python
"""Django's command-line utility; `wenzheng` (the console script) is the same thing."""

import sys

from wenzheng.cli import main

if __name__ == "__main__":
    sys.exit(main())
