"""The CDNOW data set (Fader & Hardie), fetched reproducibly from PyPI.

CDNOW was an online CD shop. Fader, Hardie & Lee (2005) used the purchases of the
23,570 people who first bought there in the first quarter of 1997, followed to the end
of June 1998, to introduce the BG/NBD model. The data are distributed by Bruce Hardie
(brucehardie.com) and ship inside the ``lifetimes`` package; we take the two text files
out of the ``lifetimes`` 0.11.3 wheel on PyPI, without importing ``lifetimes``:

* ``master``: all 69,659 purchase records of the 23,570 customers;
* ``sample``: the 1/10th sample of 2,357 customers (6,919 records) used in the paper.

The files are verified by SHA-256 and cached (not committed), so only the first call
needs the network. The cache is ``data/cache/`` in the project checkout and the user's
cache folder when clvlib is installed from a wheel (``~/.cache/clvlib/cdnow`` on Linux);
the environment variable ``CLVLIB_CACHE_DIR`` or the ``cache_dir`` argument overrides it.
Without network and cache, :class:`CdnowUnavailableError`
says how to get the file by hand.

Example
-------
>>> from clvlib.data.cdnow import load_cdnow, merge_same_day      # doctest: +SKIP
>>> orders = load_cdnow("master")                             # doctest: +SKIP
>>> len(orders), orders["customer_id"].nunique()              # doctest: +SKIP
(69659, 23570)
>>> len(merge_same_day(orders))                               # doctest: +SKIP
67591
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from clvlib.data.bundled import cdnow_cache_dir

LIFETIMES_VERSION = "0.11.3"
WHEEL_MEMBERS = {
    "master": "lifetimes/datasets/CDNOW_master.txt",
    "sample": "lifetimes/datasets/CDNOW_sample.txt",
}
# Computed once from Lifetimes-0.11.3-py3-none-any.whl (PyPI); a different file is refused.
SHA256 = {
    "master": "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
    "sample": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
}
# What the parsed files must hold (Fader, Hardie & Lee 2005; checked after parsing).
EXPECTED = {
    "master": {"records": 69_659, "customers": 23_570, "first": "1997-01-01", "last": "1998-06-30"},
    "sample": {"records": 6_919, "customers": 2_357, "first": "1997-01-01", "last": "1998-06-30"},
}
COLUMNS = ["customer_id", "order_date", "n_cds", "order_value"]


class CdnowUnavailableError(RuntimeError):
    """The CDNOW files are neither cached nor downloadable (e.g. no network)."""


class CdnowChecksumError(RuntimeError):
    """A CDNOW file is not byte for byte the file shipped in lifetimes 0.11.3."""


def _file_name(which: str) -> str:
    return Path(WHEEL_MEMBERS[which]).name


def _cache_dir(cache_dir: str | Path | None) -> Path:
    """The folder given, else $CLVLIB_CACHE_DIR, the checkout's data/cache/ or the user cache folder."""
    return Path(cache_dir) if cache_dir is not None else cdnow_cache_dir()


def _check_which(which: str) -> None:
    if which not in WHEEL_MEMBERS:
        raise ValueError(f"Unknown CDNOW file {which!r}: use 'master' (23,570 customers) or 'sample' (2,357).")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unavailable_message(cache_dir: Path, reason: str) -> str:
    return (
        f"The CDNOW data are not cached in {cache_dir} and could not be downloaded ({reason}).\n"
        "To get them, on a machine with internet access run:\n"
        f"    python -m pip download --no-deps --only-binary=:all: lifetimes=={LIFETIMES_VERSION} -d {cache_dir}\n"
        f"and put the downloaded wheel (Lifetimes-{LIFETIMES_VERSION}-py3-none-any.whl) in {cache_dir}/;\n"
        f"or copy {_file_name('master')} and {_file_name('sample')} (from lifetimes/datasets/ inside that "
        f"wheel, a zip file) into {cache_dir}/. They are checked against their SHA-256 checksums."
    )


def _run_pip_download(dest: Path) -> Path:
    """Download the lifetimes wheel from PyPI with pip; return the wheel's path."""
    print(
        f"Downloading the CDNOW data from PyPI (lifetimes {LIFETIMES_VERSION} wheel, ~0.6 MB)...",
        flush=True,
    )
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", f"lifetimes=={LIFETIMES_VERSION}", "-d", str(dest),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()
        raise OSError(f"pip download failed: {last[-1] if last else 'exit code ' + str(result.returncode)}")
    return _find_wheel(dest)


def _find_wheel(folder: Path) -> Path:
    wheels = sorted(Path(folder).glob(f"[Ll]ifetimes-{LIFETIMES_VERSION}-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"no lifetimes {LIFETIMES_VERSION} wheel in {folder}")
    return wheels[0]


def _extract(wheel: Path, cache_dir: Path) -> None:
    """Copy both CDNOW files out of the wheel into the cache, refusing wrong checksums."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            contents = {which: archive.read(member) for which, member in WHEEL_MEMBERS.items()}
    except (zipfile.BadZipFile, KeyError) as exc:
        raise CdnowChecksumError(
            f"{wheel} is not the lifetimes {LIFETIMES_VERSION} wheel with the CDNOW files ({exc}); delete it and "
            "try again."
        ) from None
    for which, data in contents.items():
        if _sha256(data) != SHA256[which]:
            raise CdnowChecksumError(
                f"{_file_name(which)} inside {wheel} has SHA-256 {_sha256(data)}, expected {SHA256[which]}: "
                "it is not the published file, so it was not used. Delete the wheel and try again."
            )
    cache_dir.mkdir(parents=True, exist_ok=True)
    for which, data in contents.items():
        target = cache_dir / _file_name(which)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, target)  # never leave a half-written file under the real name


def cdnow_path(which: str = "master", cache_dir: str | Path | None = None) -> Path:
    """The verified cached CDNOW file, fetched from PyPI on first use.

    Order of attempts: the cached text file; a lifetimes wheel already in the cache
    folder (for machines without internet); ``pip download`` from PyPI.
    """
    return _verified_file(which, cache_dir)[0]


def _verified_file(which: str, cache_dir: str | Path | None) -> tuple[Path, bytes]:
    """:func:`cdnow_path` and the file's bytes, read once for the checksum and the parser."""
    _check_which(which)
    cache_dir = _cache_dir(cache_dir)
    target = cache_dir / _file_name(which)
    if not target.exists():
        try:
            wheel = _find_wheel(cache_dir)
        except FileNotFoundError:
            with tempfile.TemporaryDirectory(prefix="clvlib-cdnow-") as tmp:
                try:
                    wheel = _run_pip_download(Path(tmp))
                except (OSError, subprocess.SubprocessError) as exc:
                    raise CdnowUnavailableError(_unavailable_message(cache_dir, str(exc))) from exc
                _extract(wheel, cache_dir)
        else:
            _extract(wheel, cache_dir)
    data = target.read_bytes()
    digest = _sha256(data)
    if digest != SHA256[which]:
        raise CdnowChecksumError(
            f"{target} has SHA-256 {digest}, expected {SHA256[which]} (the file shipped in lifetimes "
            f"{LIFETIMES_VERSION}). Delete it and run again to download a fresh copy."
        )
    return target, data


def parse_cdnow(text: str, source: str = "CDNOW file") -> pd.DataFrame:
    """Parse CDNOW text (master or sample layout) into one row per purchase record.

    Master lines are ``customer_id date n_cds dollars`` (with a header line); sample lines
    are ``customer_id sample_id date n_cds dollars``. The customer id is always the
    master file's id, so a sample customer has the same id in both. Dates are YYYYMMDD.
    Returns columns customer_id (int), order_date (datetime), n_cds (int),
    order_value (float, US dollars).
    """
    records = []
    seen_first_line = False
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if not seen_first_line:
            seen_first_line = True
            if not fields[0].isdigit():
                continue  # the master file's header line
        if len(fields) == 5:
            fields = [fields[0], *fields[2:]]  # drop the sample's own 1..2357 id
        if len(fields) != 4:
            raise ValueError(
                f"{source}, line {number}: expected 4 values (customer id, YYYYMMDD date, number of CDs, "
                f"dollars) or 5 (with the sample id), found {len(fields)}: {line.strip()!r}"
            )
        records.append((number, *fields))
    if not records:
        raise ValueError(f"{source} holds no purchase records.")
    raw = pd.DataFrame(records, columns=["line", "customer_id", "date", "n_cds", "dollars"])
    out = pd.DataFrame(
        {
            "customer_id": pd.to_numeric(raw["customer_id"], errors="coerce"),
            "order_date": pd.to_datetime(raw["date"], format="%Y%m%d", errors="coerce"),
            "n_cds": pd.to_numeric(raw["n_cds"], errors="coerce"),
            "order_value": pd.to_numeric(raw["dollars"], errors="coerce"),
        }
    )
    bad = out.isna().any(axis=1) | (out["n_cds"] < 0) | (out["order_value"] < 0)
    if bad.any():
        n_bad = int(bad.sum())
        lines = ", ".join(str(n) for n in raw.loc[bad, "line"].head(5))
        subject = "1 record has" if n_bad == 1 else f"{n_bad} records have"
        raise ValueError(
            f"{source}: {subject} an unreadable or negative value (dates must be YYYYMMDD); "
            f"for example line{'s' if n_bad > 1 else ''} {lines}."
        )
    return out.astype({"customer_id": "int64", "n_cds": "int64", "order_value": "float64"})


def _check_expected(orders: pd.DataFrame, which: str, path: Path) -> None:
    expected = EXPECTED[which]
    found = {
        "records": len(orders),
        "customers": int(orders["customer_id"].nunique()),
        "first": str(orders["order_date"].min().date()),
        "last": str(orders["order_date"].max().date()),
    }
    if found != expected:
        raise ValueError(f"{path} parsed to {found}, expected {expected}: the parser or the file is wrong.")


def load_cdnow(which: str = "master", cache_dir: str | Path | None = None) -> pd.DataFrame:
    """CDNOW purchase records: customer_id, order_date, n_cds, order_value (dollars).

    ``which`` is "master" (69,659 records, 23,570 customers, 1997-01-01 to 1998-06-30)
    or "sample" (6,919 records of 2,357 customers). One row per record, nothing merged:
    use :func:`merge_same_day` for the transactions the BG/NBD papers count.
    """
    path, data = _verified_file(which, cache_dir)
    orders = parse_cdnow(data.decode("ascii"), source=str(path))
    _check_expected(orders, which, path)
    return orders


def merge_same_day(
    orders: pd.DataFrame, customer_col: str = "customer_id", date_col: str = "order_date"
) -> pd.DataFrame:
    """One transaction per customer and calendar day: numeric columns summed.

    Fader, Hardie & Lee (2005) count same-day purchases as one transaction (CDNOW
    master: 69,659 records -> 67,591 transactions). Other columns keep the first value.
    Times of day are dropped: ``date_col`` becomes the day.
    """
    missing = [c for c in (customer_col, date_col) if c not in orders.columns]
    if missing:
        raise ValueError(f"merge_same_day needs columns {missing}; the table has {list(orders.columns)}.")
    day = pd.to_datetime(orders[date_col]).dt.normalize()
    frame = orders.assign(**{date_col: day})
    others = [c for c in frame.columns if c not in (customer_col, date_col)]
    how = {c: ("sum" if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               else "first") for c in others}
    if not how:
        return frame.drop_duplicates([customer_col, date_col]).sort_values([customer_col, date_col]).reset_index(drop=True)
    merged = frame.groupby([customer_col, date_col], sort=True, as_index=False).agg(how)
    return merged[list(orders.columns)]


def is_cached(which: str = "master", cache_dir: str | Path | None = None) -> bool:
    """Whether the CDNOW file is already in the cache (nothing is downloaded to find out)."""
    _check_which(which)
    cache_dir = _cache_dir(cache_dir)
    return (cache_dir / _file_name(which)).exists()


def available_cdnow(which: str = "sample", allow_download: bool = False) -> tuple[pd.DataFrame | None, str]:
    """The CDNOW orders if they can be had, else None and why, in a sentence for the reader.

    Without ``allow_download`` nothing goes online: only the cache is read, so a lesson
    runs offline and says how to get the data (``make cdnow``) instead of failing.
    """
    if not (allow_download or is_cached(which)):
        return None, (
            f"the CDNOW {which} is not cached in {_cache_dir(None)}. Run `make cdnow` once (`make report` and "
            "`make test` do it too; `clv-cdnow` outside the project folder), or set cdnow_allow_download = True "
            "to fetch it from PyPI."
        )
    try:
        return load_cdnow(which), ""
    except CdnowUnavailableError as exc:
        return None, str(exc)


def main(argv: list[str] | None = None) -> int:
    """``python -m clvlib.data.cdnow`` (``make cdnow``, ``clv-cdnow``): fetch and verify both files once."""
    import argparse

    parser = argparse.ArgumentParser(prog="clv-cdnow", description="Fetch the CDNOW data (once) and verify it.")
    parser.add_argument("--cache-dir", default=None, help=f"folder to cache the files in (default: {_cache_dir(None)}; "
                        "set CLVLIB_CACHE_DIR to change it)")
    args = parser.parse_args(argv)
    try:
        for which in ("master", "sample"):
            print(f"CDNOW {which}: {cdnow_path(which, args.cache_dir)} (checksum verified)")
    except (CdnowUnavailableError, CdnowChecksumError) as exc:
        print(f"cdnow: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
