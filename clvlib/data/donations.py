"""The donations data of Fader, Hardie & Shang (2010), fetched reproducibly from PyPI.

A non-profit's 1995 cohort of 11,104 first-time donors, followed over the six yearly
fund-raising drives 1996-2001: each donor is summarised by x (years in which they gave
again), t_x (the last such year, 1-6; 0 if none) and n = 6 opportunities, so the file is 22
(x, t_x, n) patterns with the number of donors for each. Fader, Hardie & Shang (2010,
"Customer-Base Analysis in a Discrete-Time Noncontractual Setting", Marketing Science 29(6))
introduce the BG/BB model on it. The file ships as ``datasets/donations.csv`` in the same
``lifetimes`` 0.11.3 wheel as CDNOW, so it is fetched, verified by SHA-256 and cached exactly
like :mod:`clvlib.data.cdnow` (whose download helpers this module uses).

Example
-------
>>> from clvlib.data.donations import load_donations                  # doctest: +SKIP
>>> patterns = load_donations()                                       # doctest: +SKIP
>>> len(patterns), int(patterns["n_customers"].sum())                 # doctest: +SKIP
(22, 11104)
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from clvlib.data import cdnow

WHEEL_MEMBER = "lifetimes/datasets/donations.csv"
FILE_NAME = "donations.csv"
# Computed once from Lifetimes-0.11.3-py3-none-any.whl (PyPI); a different file is refused.
SHA256 = "82c25f26a201ff047e1cd5fe3d7967a45db92a025ecedee72ff8940e50104544"
EXPECTED = {"patterns": 22, "donors": 11_104, "opportunities": 6}
FILE_COLUMNS = {"frequency": "frequency", "recency": "recency", "periods": "n_opportunities", "weights": "n_customers"}


class DonationsUnavailableError(cdnow.CdnowUnavailableError):
    """The donations file is neither cached nor downloadable (e.g. no network)."""


def _unavailable_message(cache_dir: Path, reason: str) -> str:
    return (
        f"The donations data are not cached in {cache_dir} and could not be downloaded ({reason}).\n"
        "To get them, on a machine with internet access run:\n"
        f"    python -m pip download --no-deps --only-binary=:all: lifetimes=={cdnow.LIFETIMES_VERSION} -d {cache_dir}\n"
        f"(the wheel is then read from {cache_dir}/), or copy {WHEEL_MEMBER} out of that wheel (a zip "
        f"file) into {cache_dir}/{FILE_NAME}. It is checked against its SHA-256 checksum."
    )


def _extract(wheel: Path, target: Path) -> None:
    """Copy donations.csv out of the wheel into the cache, refusing a wrong checksum."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(WHEEL_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise cdnow.CdnowChecksumError(
            f"{wheel} is not the lifetimes {cdnow.LIFETIMES_VERSION} wheel with {WHEEL_MEMBER} ({exc}); "
            "delete it and try again."
        ) from None
    if cdnow._sha256(data) != SHA256:
        raise cdnow.CdnowChecksumError(
            f"{WHEEL_MEMBER} inside {wheel} has SHA-256 {cdnow._sha256(data)}, expected {SHA256}: it is not "
            "the published file, so it was not used. Delete the wheel and try again."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, target)  # never leave a half-written file under the real name


def donations_path(cache_dir: str | Path | None = None) -> Path:
    """The verified cached donations.csv: the cache, else a lifetimes wheel there, else PyPI."""
    folder = cdnow._cache_dir(cache_dir)
    target = folder / FILE_NAME
    if not target.exists():
        try:
            _extract(cdnow._find_wheel(folder), target)
        except FileNotFoundError:
            with tempfile.TemporaryDirectory(prefix="clvlib-donations-") as tmp:
                try:
                    wheel = cdnow._run_pip_download(Path(tmp))
                except (OSError, subprocess.SubprocessError) as exc:
                    raise DonationsUnavailableError(_unavailable_message(folder, str(exc))) from exc
                _extract(wheel, target)
    digest = cdnow._sha256(target.read_bytes())
    if digest != SHA256:
        raise cdnow.CdnowChecksumError(
            f"{target} has SHA-256 {digest}, expected {SHA256} (the file shipped in lifetimes "
            f"{cdnow.LIFETIMES_VERSION}). Delete it and run again to download a fresh copy."
        )
    return target


def parse_donations(text: str, source: str = "donations.csv") -> pd.DataFrame:
    """The donations CSV (frequency, recency, periods, weights) as a BG/BB patterns table.

    Columns: frequency (x), recency (t_x), n_opportunities (n), n_customers; ``.attrs``
    ``time_unit`` is "year" (one fund-raising drive a year).
    """
    raw = pd.read_csv(io.StringIO(text), dtype=str)
    missing = [c for c in FILE_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{source} has no {', '.join(missing)} column; its columns are: {', '.join(raw.columns)}.")
    numbers = raw[list(FILE_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna().any(axis=1) | (numbers < 0).any(axis=1) | (numbers % 1 != 0).any(axis=1)
    if bad.any():
        lines = ", ".join(str(i + 2) for i in bad[bad].index[:5])  # +2: the header is line 1
        raise ValueError(f"{source}: {int(bad.sum())} rows are not whole numbers >= 0 (lines {lines}).")
    out = numbers.astype("int64").rename(columns=FILE_COLUMNS)
    out.attrs["time_unit"] = "year"
    return out


def load_donations(cache_dir: str | Path | None = None) -> pd.DataFrame:
    """The 22 (x, t_x, n = 6) patterns of the 11,104 donors (see the module docstring)."""
    path = donations_path(cache_dir)
    patterns = parse_donations(path.read_text(encoding="ascii"), source=str(path))
    found = {
        "patterns": len(patterns),
        "donors": int(patterns["n_customers"].sum()),
        "opportunities": int(patterns["n_opportunities"].max()),
    }
    if found != EXPECTED:
        raise ValueError(f"{path} parsed to {found}, expected {EXPECTED}: the parser or the file is wrong.")
    return patterns


__all__ = ["DonationsUnavailableError", "donations_path", "load_donations", "parse_donations"]
