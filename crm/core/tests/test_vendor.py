"""Vendored front-end files are exactly the pinned ones listed in static/vendor/SHA256SUMS."""

import hashlib
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[3] / "static" / "vendor"


def test_every_vendored_file_matches_its_checksum():
    listed = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    on_disk = {
        str(path.relative_to(VENDOR)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name != "SHA256SUMS" and path.suffix != ".md"
    }
    assert on_disk == listed
    assert "echarts/echarts.min.js" in listed and "bootstrap/bootstrap.min.css" in listed
