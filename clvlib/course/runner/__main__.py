"""``python -m clvlib.course.runner``: see :mod:`clvlib.course.runner.cli`."""

import sys

from clvlib.course.runner.cli import main

sys.exit(main())
