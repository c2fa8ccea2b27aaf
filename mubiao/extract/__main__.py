"""`python -m mubiao.extract FILE --format json|text`."""

import sys

from .cli import main

sys.exit(main())
