import sys

from orglint.commands import main

sys.exit(main())
