"""The course as a website (``make site``): lessons with the last report's outputs, glossary, docs, API reference.

Built with Sphinx, myst-nb and sphinx-book-theme (the ``site`` extra), offline: formulas are
MathML written at build time, search is Sphinx's local index, and a check of the built HTML
fails the build on a broken internal link or on anything loaded from another host.
"""

from clvlib.course.site.build import SiteBuild, SiteError, build_site

__all__ = ["SiteBuild", "SiteError", "build_site"]
