"""Course tooling: the notebook runner behind `make report`, the student edition, notebook
convention checks and the environment check. Nothing in the analysis imports from here."""
