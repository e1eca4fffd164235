"""clvlib.data.cdnow: parsing, checksums, offline behaviour, and (network) the real CDNOW file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from clvlib.data import cdnow
from clvlib.data.cdnow import (
    CdnowChecksumError,
    CdnowUnavailableError,
    load_cdnow,
    merge_same_day,
    parse_cdnow,
)

PROJECT_TESTS = Path(__file__).resolve().parents[1]

# The master layout: header, then customer id, YYYYMMDD, number of CDs, dollars; CRLF like the real file.
MASTER_TEXT = (
    " customer_id  date number_of_cds  dollar_value\r\n"
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  1   12.00\r\n"
    " 00002 19970112  5   77.00\r\n"
    " 00003 19970102  2   20.76\r\n"
    " 00003 19980630  1    0.00\r\n"
)
# The sample layout: master id, the sample's own id, then the same four fields; no header.
SAMPLE_TEXT = (
    " 00004 0001 19970101  2   29.33\n"
    " 00004 0001 19970118  2   29.73\n"
    " 00021 0002 19970101  3   63.34\n"
)


def test_parse_master_layout():
    orders = parse_cdnow(MASTER_TEXT)
    assert list(orders.columns) == ["customer_id", "order_date", "n_cds", "order_value"]
    assert len(orders) == 5  # one row per record, the header skipped, nothing merged
    assert orders["customer_id"].tolist() == [1, 2, 2, 3, 3]
    assert orders["order_date"].iloc[0] == pd.Timestamp("1997-01-01")
    assert orders["order_date"].iloc[-1] == pd.Timestamp("1998-06-30")
    assert orders["n_cds"].tolist() == [1, 1, 5, 2, 1]
    assert orders["order_value"].tolist() == [11.77, 12.0, 77.0, 20.76, 0.0]
    # A day-resolution date, tz-naive; pandas 3 parses to microseconds, pandas 2 to nanoseconds.
    assert pd.api.types.is_datetime64_dtype(orders["order_date"]) and orders["order_date"].dt.tz is None
    assert orders["order_value"].dtype == float


def test_parse_sample_layout_keeps_the_master_customer_id():
    orders = parse_cdnow(SAMPLE_TEXT)
    assert orders["customer_id"].tolist() == [4, 4, 21]  # master ids, not the sample's 1, 1, 2
    assert orders["order_value"].sum() == pytest.approx(29.33 + 29.73 + 63.34)


def test_parse_reports_the_line_of_a_bad_record():
    text = MASTER_TEXT + " 00004 1997xx01  1   5.00\r\n"
    with pytest.raises(ValueError, match=r"tiny.txt: 1 record has .*YYYYMMDD.*line 7\."):
        parse_cdnow(text, source="tiny.txt")
    with pytest.raises(ValueError, match=r"line 3.*found 3"):
        parse_cdnow(MASTER_TEXT.replace(" 00002 19970112  1   12.00", " 00002 19970112  1"))


def test_a_non_numeric_line_after_the_first_is_not_skipped():
    """Only the first line may be a header; a stray text line later is an error, not dropped."""
    with pytest.raises(ValueError, match="line 4"):
        parse_cdnow(MASTER_TEXT.replace(" 00002 19970112  5   77.00", " oops 19970112  5   77.00"))


def test_merge_same_day_sums_values_and_cds():
    merged = merge_same_day(parse_cdnow(MASTER_TEXT))
    assert len(merged) == 4
    day = merged[(merged["customer_id"] == 2)]
    assert day["n_cds"].tolist() == [6]
    assert day["order_value"].tolist() == [89.0]
    assert list(merged.columns) == ["customer_id", "order_date", "n_cds", "order_value"]
    assert merged["order_value"].sum() == pytest.approx(parse_cdnow(MASTER_TEXT)["order_value"].sum())


def test_merge_same_day_uses_the_calendar_day():
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a"],
            "order_date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-02 09:00"]),
            "order_value": [1.0, 2.0, 4.0],
            "channel": ["x", "x", "x"],
        }
    )
    merged = merge_same_day(orders)
    assert merged["order_value"].tolist() == [3.0, 4.0]
    assert merged["channel"].tolist() == ["x", "x"]
    with pytest.raises(ValueError, match="order_date"):
        merge_same_day(orders.drop(columns="order_date"))


def _fake_wheel(path, master: bytes, sample: bytes):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(cdnow.WHEEL_MEMBERS["master"], master)
        zf.writestr(cdnow.WHEEL_MEMBERS["sample"], sample)
    return path


def test_wrong_cached_file_fails_its_checksum(tmp_path):
    (tmp_path / "CDNOW_master.txt").write_text(MASTER_TEXT)
    with pytest.raises(CdnowChecksumError) as info:
        load_cdnow("master", cache_dir=tmp_path)
    message = str(info.value)
    assert "CDNOW_master.txt" in message and "SHA-256" in message
    assert cdnow.SHA256["master"] in message and "Delete it" in message


def test_downloaded_wheel_with_wrong_files_is_refused_and_not_cached(tmp_path, monkeypatch):
    def fake_download(dest):
        return _fake_wheel(dest / f"lifetimes-{cdnow.LIFETIMES_VERSION}-py3-none-any.whl", b"x", b"y")

    monkeypatch.setattr(cdnow, "_run_pip_download", fake_download)
    with pytest.raises(CdnowChecksumError, match="not the published file"):
        load_cdnow("master", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "CDNOW_master.txt").exists()


def test_a_good_wheel_in_the_cache_is_used_offline(tmp_path, monkeypatch):
    """An offline machine can be given the wheel by hand; the checksums are patched to the fake files."""
    _fake_wheel(tmp_path / f"Lifetimes-{cdnow.LIFETIMES_VERSION}-py3-none-any.whl", MASTER_TEXT.encode(), b"s")
    monkeypatch.setitem(cdnow.SHA256, "master", hashlib.sha256(MASTER_TEXT.encode()).hexdigest())
    monkeypatch.setitem(cdnow.SHA256, "sample", hashlib.sha256(b"s").hexdigest())
    monkeypatch.setattr(cdnow, "_run_pip_download", lambda dest: pytest.fail("must not download"))
    path = cdnow.cdnow_path("master", cache_dir=tmp_path)
    assert path.read_bytes() == MASTER_TEXT.encode()
    # The tiny file is not the real one: the post-parse check refuses it loudly.
    with pytest.raises(ValueError, match="69659"):
        load_cdnow("master", cache_dir=tmp_path)


def test_no_network_and_no_cache_says_how_to_get_the_data(tmp_path, monkeypatch):
    def offline(dest):
        raise OSError("pip download failed: network is unreachable")

    monkeypatch.setattr(cdnow, "_run_pip_download", offline)
    with pytest.raises(CdnowUnavailableError) as info:
        load_cdnow("master", cache_dir=tmp_path)
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "network is unreachable" in message
    assert f"pip download --no-deps --only-binary=:all: lifetimes=={cdnow.LIFETIMES_VERSION}" in message
    assert str(tmp_path) in message and "CDNOW_master.txt" in message


def test_unknown_file_name_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="'master'.*'sample'"):
        load_cdnow("full", cache_dir=tmp_path)


@pytest.mark.network
def test_real_cdnow_master_file(cdnow_loader):
    """The published CDNOW numbers (Fader, Hardie & Lee 2005, Marketing Science 24(2)).

    Needs the file: cached in data/cache/ or downloadable from PyPI. When it cannot be
    obtained the test FAILS saying how to get it (`make cdnow`), because a silent skip
    would hide a broken download; CLVLIB_OFFLINE=1 turns that into a skip announced at the
    end of the run, except under CI (see tests/conftest.py).
    """
    orders = cdnow_loader("master")
    sample = cdnow_loader("sample")
    assert len(orders) == 69_659
    assert orders["customer_id"].nunique() == 23_570
    assert orders["order_date"].min() == pd.Timestamp("1997-01-01")
    assert orders["order_date"].max() == pd.Timestamp("1998-06-30")
    assert len(merge_same_day(orders)) == 67_591
    # The 1/10th sample: 2,357 customers, all of them in the master file under the same id;
    # 1,411 make no repeat purchase in the 39-week calibration period (Fader, Hardie & Lee 2005).
    assert sample["customer_id"].nunique() == 2_357
    assert set(sample["customer_id"]) <= set(orders["customer_id"])
    calibration = merge_same_day(sample).query("order_date <= '1997-09-30'")
    assert (calibration.groupby("customer_id").size() == 1).sum() == 1_411


def test_is_cached_and_the_fetch_command_report_what_is_there(tmp_path, monkeypatch, capsys):
    assert not cdnow.is_cached("sample", tmp_path)

    def no_network(dest):
        raise OSError("no network here")

    monkeypatch.setattr(cdnow, "_run_pip_download", no_network)
    assert cdnow.main(["--cache-dir", str(tmp_path)]) == 1
    assert "pip download" in capsys.readouterr().err  # the message says how to get the data
    assert not cdnow.is_cached("master", tmp_path)


# --------------------------------------------------------------------------- no silent skips (issue 17)


@pytest.fixture
def no_cdnow(tmp_path, monkeypatch):
    """An empty cache and no network: the state of a fresh offline machine."""
    monkeypatch.setenv("CLVLIB_CACHE_DIR", str(tmp_path / "cache"))

    def offline(dest):
        raise OSError("pip download failed: network is unreachable")

    monkeypatch.setattr(cdnow, "_run_pip_download", offline)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("CLVLIB_OFFLINE", raising=False)
    return monkeypatch


def test_missing_cdnow_fails_the_reference_tests_saying_how_to_get_it(no_cdnow, cdnow_loader):
    with pytest.raises(pytest.fail.Exception) as info:
        cdnow_loader("sample")
    message = str(info.value)
    assert "make cdnow" in message and "CLVLIB_OFFLINE=1" in message
    assert "pip download --no-deps" in message  # the offline recipe from clvlib.data.cdnow


def test_the_offline_switch_skips_them_but_never_under_ci(no_cdnow, cdnow_loader):
    no_cdnow.setenv("CLVLIB_OFFLINE", "1")
    with pytest.raises(pytest.skip.Exception, match="CLVLIB_OFFLINE=1"):
        cdnow_loader("sample")
    no_cdnow.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        cdnow_loader("master")


def test_an_offline_run_ends_with_one_loud_line(tmp_path):
    """A real pytest run (in a subprocess) with this project's conftest: skipped and announced."""
    conftest = (PROJECT_TESTS / "conftest.py").read_text(encoding="utf-8")
    (tmp_path / "conftest.py").write_text(conftest, encoding="utf-8")
    (tmp_path / "test_needs_cdnow.py").write_text(
        "from clvlib.data import cdnow\n\n"
        "def test_reference(cdnow_loader, monkeypatch, tmp_path):\n"
        "    monkeypatch.setenv('CLVLIB_CACHE_DIR', str(tmp_path))\n"
        "    def offline(dest):\n"
        "        raise OSError('no network here')\n"
        "    monkeypatch.setattr(cdnow, '_run_pip_download', offline)\n"
        "    cdnow_loader('sample')\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CLVLIB_OFFLINE")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # nbval's imports alone take 5 s
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    offline = subprocess.run(command, cwd=tmp_path, env={**env, "CLVLIB_OFFLINE": "1"}, capture_output=True, text=True)
    assert offline.returncode == 0, offline.stdout
    assert "CDNOW reference tests SKIPPED (CLVLIB_OFFLINE=1): published-number checks did not run" in offline.stdout
    online = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert online.returncode == 1 and "make cdnow" in online.stdout, online.stdout
    assert "SKIPPED (CLVLIB_OFFLINE" not in online.stdout
