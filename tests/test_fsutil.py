"""Private atomic writes: mode 0600, no partial files, no silent overwrite."""

import os
import stat

import pytest

from screener.errors import OutputError, OutputExistsError
from screener.files import write_private


def test_private_mode_and_content(tmp_path):
    path = write_private(tmp_path / "a.json", "{}\n")
    assert path.read_text() == "{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_overwrite_without_permission(tmp_path):
    path = write_private(tmp_path / "a.txt", "first")
    with pytest.raises(OutputExistsError, match="--force"):
        write_private(path, "second", overwrite=False)
    assert path.read_text() == "first"


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = write_private(tmp_path / "a.txt", "old")

    def boom(*args):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OutputError, match="disk full"):
        write_private(path, "new")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_missing_folder_is_an_error_not_created(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_private(tmp_path / "typo" / "a.txt", "x")
    assert not (tmp_path / "typo").exists()
