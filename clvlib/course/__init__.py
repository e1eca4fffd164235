"""Course tooling: the notebook runner behind `make report`, the student edition, the notebooks'
text forms, notebook convention checks and the environment check. Nothing in the analysis imports from here."""
