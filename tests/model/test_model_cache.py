"""The validated model is cached as JSON keyed by the data files; the cache never changes
what the model says, and a damaged or unusable cache only costs the speed-up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from demarcate.model import loader


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DEMARCATE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DEMARCATE_NO_CACHE", raising=False)
    loader.get_model.cache_clear()
    yield tmp_path / "cache"
    loader.get_model.cache_clear()


def _fresh() -> loader.Model:
    loader.get_model.cache_clear()
    return loader.get_model()


def test_first_load_writes_the_cache_and_the_second_reads_it(cache: Path) -> None:
    first = _fresh()
    files = list(cache.glob("model-*.json"))
    assert len(files) == 1
    assert not list(cache.glob(".model-*"))  # no temp file left behind
    second = _fresh()
    assert second is not first
    assert second == first == loader.load_model()


def test_the_cache_is_what_the_loader_reads(cache: Path) -> None:
    _fresh()
    (path,) = cache.glob("model-*.json")
    data = json.loads(path.read_text())
    data["version"] = "cached-copy"
    path.write_text(json.dumps(data))
    assert _fresh().version == "cached-copy"  # proves a hit, not a silent re-parse


def test_a_damaged_cache_file_falls_back_to_the_yaml(cache: Path) -> None:
    expected = _fresh()
    (path,) = cache.glob("model-*.json")
    path.write_text('{"version": 3, "services": "not a list"')  # truncated and invalid
    assert _fresh() == expected
    assert json.loads(path.read_text())["version"] == expected.version  # rewritten


def test_an_invalid_cached_model_is_not_trusted(cache: Path) -> None:
    expected = _fresh()
    (path,) = cache.glob("model-*.json")
    data = json.loads(path.read_text())
    data["services"][0]["duties"][0]["owner"] = "nobody"
    path.write_text(json.dumps(data))
    model = _fresh()
    assert model == expected
    assert model.services[0].duties[0].owner != "nobody"


def test_changed_data_gets_a_new_cache_key(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = loader._data_files(loader.data_dir())
    key = loader._cache_file(files)
    monkeypatch.setattr(loader, "__version__", "0.0.0-other")
    assert loader._cache_file(files) != key


def test_an_unwritable_cache_directory_is_not_an_error(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("DEMARCATE_CACHE_DIR", str(blocker / "sub"))
    assert _fresh() == loader.load_model()


def test_no_cache_switch(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMARCATE_NO_CACHE", "1")
    _fresh()
    assert not cache.exists()
