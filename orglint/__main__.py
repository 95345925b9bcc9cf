import sys

from orglint.cli import main

sys.exit(main())
