"""clvlib: the helper package behind the clv-workbook course on Customer Lifetime Value.

One concept per module; notebooks call these functions and never copy logic.
"""

__version__ = "0.1.0"
