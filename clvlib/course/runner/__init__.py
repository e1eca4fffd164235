"""Run the whole course with papermill into a dated report folder (``make report``).

Usage::

    python -m clvlib.course.runner --params params/default.yml [--out reports] [--notebooks DIR|FILE ...]

What it does, in order:

1. Reads the params file (YAML). Its top-level keys are notebook parameters; each is
   passed only to the notebooks that declare it. An optional ``per_notebook:`` section
   sets a parameter for one notebook only, e.g. ``per_notebook: {07_clv_report:
   {as_of_date: "2025-06-30"}}``; it wins over the top-level value for that notebook.
2. Rejects, before anything runs, a parameter that no notebook declares (papermill
   itself only warns and runs the default), suggesting the closest declared name, a
   value of the wrong type (a word where a number is declared), and a value outside
   its allowed words or range or a date outside the data
   (:mod:`~clvlib.course.runner.values`), every problem at once.
3. Loads and validates the data with :func:`clvlib.data.load_dataset` so a bad file fails
   at once with the clvlib.data message. Relative paths in ``data_source`` are resolved
   here (working folder, then project root) and passed to the notebooks as absolute paths.
4. Runs the notebooks with papermill (kernel ``python3``), one per core at a time
   (``--jobs``), one progress line each as it finishes; after a failure no new notebook
   starts. One run at a time per reports folder (a lock file, ``reports/.lock``).
5. Writes ``reports/<UTC timestamp>/``: executed ``.ipynb`` files, HTML for each (the
   notebooks whose metadata has ``"clvlib": {"hide_code": true}`` -- the executive
   report -- without code), ``index.html`` linking everything with the run's metadata,
   and the same metadata as ``run.json``.
6. Only if every notebook succeeded, points ``reports/latest`` at the new folder
   atomically (a symlink made under a temporary name, then ``os.replace``) and writes
   the folder's name to ``reports/LATEST``. Where symlinks cannot be made (Windows
   without developer mode), ``reports/latest`` is a copy of the folder instead, swapped
   in by two renames; ``reports/LATEST`` is still written atomically.

On failure the folder keeps the failed notebook with its traceback and a ``FAILED.txt``
saying why; ``reports/latest`` is left as it was.

Exit codes (for cron and CI): 0 every notebook ran; 1 a notebook failed or timed out;
2 bad params file, unknown parameter, bad value, bad data, no notebooks, or another run
holding the reports folder (nothing was run); 128 + the signal's number (130 Ctrl-C,
143 SIGTERM) when the run was stopped: workers and kernels are stopped and the run
folder is marked interrupted, with the reason in ``FAILED.txt``.

The package, one job a module:

* :mod:`~clvlib.course.runner.params`: reading and checking the params file, the
  parameters each notebook gets, the defaults file (steps 1-2);
* :mod:`~clvlib.course.runner.run`: the notebooks to run, the data gate and the whole
  run in order (steps 3-6);
* :mod:`~clvlib.course.runner.values`: the allowed words, ranges and dates of parameters;
* :mod:`~clvlib.course.runner.execute`: running notebooks in kernels, side by side;
* :mod:`~clvlib.course.runner.workers`: worker processes that die with the runner and stop on a signal;
* :mod:`~clvlib.course.runner.publish`: the dated folder, HTML export, checksums and
  versions, the atomic ``latest`` pointer;
* :mod:`~clvlib.course.runner.index_page`: the run's ``index.html``;
* :mod:`~clvlib.course.runner.cli`: the command line (``python -m clvlib.course.runner``).
"""

from clvlib.course.runner.cli import main
from clvlib.course.runner.execute import NotebookRun
from clvlib.course.runner.params import (
    ReportInputError,
    check_params,
    course_parameters,
    defaults_yaml,
    load_params,
    parameters_for,
)
from clvlib.course.runner.publish import publish_latest
from clvlib.course.runner.run import (
    EXIT_BAD_INPUT,
    EXIT_NOTEBOOK_FAILED,
    EXIT_OK,
    ReportResult,
    run_report,
    validate_data,
)

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_NOTEBOOK_FAILED", "EXIT_OK", "NotebookRun", "ReportInputError", "ReportResult",
    "check_params", "course_parameters", "defaults_yaml", "load_params", "main", "parameters_for",
    "publish_latest", "run_report", "validate_data",
]
