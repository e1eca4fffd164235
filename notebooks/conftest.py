"""pytest in the notebooks folder: nbval runs the .ipynb files; the text forms are never collected.

notebooks/text/NN_name.py are the notebooks' text forms (clvlib.course.notebook_text).
`make test` runs pytest with --doctest-modules over this folder, which would import each
of them as a module and so execute a whole lesson a second time.
"""

collect_ignore_glob = ["text/*"]
