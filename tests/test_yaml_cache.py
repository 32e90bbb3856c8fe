"""Inside parse_once (a lint; the whole test session, through conftest) read_yaml parses
a file once (kept under a hash of its bytes): a lint reads each file of the folder once,
a changed file is read again, every reader gets a value of its own, and a refused file
is refused every time. Outside it (a screening process) nothing is kept."""

import hashlib

import pytest
import yaml

from screener.authoring.lint import lint_folder
from screener.ruleset import yaml_cache
from screener.ruleset.yaml_source import YamlError, read_yaml


@pytest.fixture
def parsed_texts(monkeypatch):
    """The SHA-256 of every text yaml.load parses while the test runs, in order."""
    texts: list[str] = []
    load = yaml.load

    def counted(stream, Loader):
        texts.append(hashlib.sha256(stream.encode()).hexdigest())
        return load(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counted)
    return texts


@pytest.fixture
def keeping_off(monkeypatch):
    """As in a screening process: the test session's keep_parsed_files undone."""
    monkeypatch.setattr(yaml_cache._Parsed, "keeping", False)
    monkeypatch.setattr(yaml_cache._Parsed, "_files", type(yaml_cache._Parsed._files)())
    monkeypatch.setattr(yaml_cache._Parsed, "_size", 0)


def test_outside_a_lint_nothing_is_kept(tmp_path, parsed_texts, keeping_off):
    path = tmp_path / "a.yaml"
    path.write_text("id: first\n")
    assert read_yaml(path) == read_yaml(path) == {"id": "first"}
    assert len(parsed_texts) == 2 and yaml_cache._Parsed._size == 0


def test_a_lint_keeps_parses_only_while_it_runs(rules_copy, parsed_texts, keeping_off):
    assert lint_folder(rules_copy) == []
    assert len(parsed_texts) == len(set(parsed_texts)), "a file was parsed twice"
    assert yaml_cache._Parsed._size == 0 and not yaml_cache._Parsed.keeping


def test_a_lint_parses_each_file_once(rules_copy, parsed_texts):
    # a unique file, so that it cannot have been parsed before in this process
    (rules_copy / "vitamin_d.yaml").write_text(
        (rules_copy / "vitamin_d.yaml").read_text() + f"\n# {rules_copy}\n")
    assert lint_folder(rules_copy) == []
    assert parsed_texts, "the changed file is parsed"
    assert len(parsed_texts) == len(set(parsed_texts)), "a file was parsed twice"


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("id: first\nitems: [1, 2]\n")
    assert read_yaml(path) == {"id": "first", "items": [1, 2]}
    path.write_text("id: other\nitems: [1, 2]\n")  # same size: only the bytes differ
    assert read_yaml(path) == {"id": "other", "items": [1, 2]}


def test_each_reader_gets_a_value_of_its_own_with_its_lines(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(f"# {tmp_path}\nid: x\nitems:\n  - name: one\n")
    first = read_yaml(path)
    first["items"][0]["line"] = 99  # as the hazard log's loader does
    first["items"].append("more")
    second = read_yaml(path)
    assert second == {"id": "x", "items": [{"name": "one"}]}
    assert (second.line, second.key_lines) == (2, {"id": 2, "items": 3})
    assert second["items"][0].line == 4


@pytest.mark.parametrize("text, code", [
    ('a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
     + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
               for p, c in zip("abcdefg", "bcdefgh", strict=True)), "yaml-limits"),
    ('title: "a \\e[31m red"\n', "control-character"),
])
def test_a_refused_file_is_refused_every_time_and_everywhere(tmp_path, text, code):
    for name in ("a.yaml", "a.yaml", "b.yaml"):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(YamlError) as refused:
            read_yaml(path)
        assert (refused.value.code, refused.value.file) == (code, str(path))


def test_the_files_kept_stay_within_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_cache, "CACHE_BYTES", 2_000)
    for n in range(20):
        path = tmp_path / f"{n}.yaml"
        path.write_text(f"id: file{n}\ntexts: [{', '.join(['words'] * 50)}]\n")
        assert read_yaml(path)["id"] == f"file{n}"
    assert 0 < yaml_cache._Parsed._size <= 2_000
    assert read_yaml(tmp_path / "0.yaml")["id"] == "file0"  # dropped, read again
