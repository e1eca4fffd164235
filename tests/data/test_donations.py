"""clvlib.data.donations: parsing, checksum, offline behaviour, and (network) the real file."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from clvlib.data import cdnow, donations
from clvlib.data.cdnow import CdnowChecksumError, CdnowUnavailableError
from clvlib.data.donations import DonationsUnavailableError, load_donations, parse_donations

TEXT = "frequency,recency,periods,weights\n0,0,6,3464\n1,1,6,1091\n6,6,6,1203\n"


def _wheel(path, data: bytes):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(donations.WHEEL_MEMBER, data)
    return path


def test_parse_gives_a_patterns_table_in_years():
    table = parse_donations(TEXT)
    assert list(table.columns) == ["frequency", "recency", "n_opportunities", "n_customers"]
    assert table["n_customers"].tolist() == [3464, 1091, 1203]
    assert table.loc[2].tolist() == [6, 6, 6, 1203]
    assert table.attrs["time_unit"] == "year"


def test_parse_names_the_file_and_the_bad_lines():
    with pytest.raises(ValueError, match=r"tiny.csv: 2 rows are not whole numbers >= 0 \(lines 3, 4\)"):
        parse_donations(TEXT.replace("1,1,6,1091", "1,x,6,1091").replace("6,6,6,1203", "6,6,6,-3"), "tiny.csv")
    with pytest.raises(ValueError, match="tiny.csv has no weights column"):
        parse_donations("frequency,recency,periods\n0,0,6\n", "tiny.csv")


def test_a_wrong_cached_file_fails_its_checksum(tmp_path):
    (tmp_path / "donations.csv").write_text(TEXT)
    with pytest.raises(CdnowChecksumError, match="donations.csv has SHA-256 .*Delete it"):
        load_donations(cache_dir=tmp_path)


def test_a_wheel_in_the_cache_is_used_offline_and_a_wrong_one_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(cdnow, "_run_pip_download", lambda dest: pytest.fail("must not download"))
    _wheel(tmp_path / f"Lifetimes-{cdnow.LIFETIMES_VERSION}-py3-none-any.whl", b"not the file")
    with pytest.raises(CdnowChecksumError, match="not the published file"):
        load_donations(cache_dir=tmp_path)
    assert not (tmp_path / "donations.csv").exists()
    monkeypatch.setattr(donations, "SHA256", hashlib.sha256(TEXT.encode()).hexdigest())
    _wheel(tmp_path / f"Lifetimes-{cdnow.LIFETIMES_VERSION}-py3-none-any.whl", TEXT.encode())
    assert donations.donations_path(cache_dir=tmp_path).read_text() == TEXT
    # The tiny file is not the real one: the post-parse check refuses it loudly.
    with pytest.raises(ValueError, match="expected .*11104"):
        load_donations(cache_dir=tmp_path)


def test_no_network_and_no_cache_says_how_to_get_the_data(tmp_path, monkeypatch):
    def offline(dest):
        raise OSError("pip download failed: network is unreachable")

    monkeypatch.setattr(cdnow, "_run_pip_download", offline)
    with pytest.raises(DonationsUnavailableError) as info:
        load_donations(cache_dir=tmp_path)
    message = str(info.value)
    assert isinstance(info.value, CdnowUnavailableError)  # the tests' offline switch handles both
    assert "network is unreachable" in message and str(tmp_path) in message
    assert f"lifetimes=={cdnow.LIFETIMES_VERSION}" in message and donations.WHEEL_MEMBER in message


@pytest.mark.network
def test_the_real_donations_file():
    """Fader, Hardie & Shang (2010): 22 (x, t_x, n = 6) patterns of 11,104 donors; 3,464 never
    gave again and 1,203 gave in each of the six years."""
    try:
        table = load_donations()
    except DonationsUnavailableError as exc:
        from conftest import cdnow_unavailable

        cdnow_unavailable(exc)
    assert len(table) == 22 and table["n_customers"].sum() == 11_104
    assert (table["n_opportunities"] == 6).all()
    assert table.loc[0].tolist() == [0, 0, 6, 3464] and table.loc[21].tolist() == [6, 6, 6, 1203]
