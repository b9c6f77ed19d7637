"""Private files: 0700 folders and 0600 files whatever the umask; atomic writes with
unpredictable temporary names that never write through a symlink."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assist.files import open_private, private_dir, write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(params=[0o000, 0o022, 0o077], ids=["umask000", "umask022", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_atomic_writes_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "new" / "deeper" / "config.toml"
    write_atomic(target, "a = 1\n")
    assert target.read_text(encoding="utf-8") == "a = 1\n"
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700 and mode(target.parent.parent) == 0o700
    target.chmod(0o644)  # an older, looser file is replaced by a private one
    write_atomic(target, "a = 2\n")
    assert mode(target) == 0o600 and target.read_text(encoding="utf-8") == "a = 2\n"
    assert [path.name for path in target.parent.iterdir()] == ["config.toml"]  # no leftovers


def test_existing_folders_of_others_are_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    write_atomic(shared / "rules.toml", "x")
    assert mode(shared) == 0o755  # an admin's shared folder keeps its mode
    assert mode(shared / "rules.toml") == 0o600


def test_temporary_names_are_unpredictable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old name was .NAME.PID.tmp: another user could plant a symlink there. A planted
    file at any guessable name is neither followed nor overwritten."""
    target = tmp_path / "rules.toml"
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    for guess in (f".{target.name}.{os.getpid()}.tmp", f".{target.name}.tmp"):
        (tmp_path / guess).symlink_to(victim)
    names: list[str] = []
    real_replace = os.replace

    def spy(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        names.append(Path(source).name)
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(target, "new")
    write_atomic(target, "newer")
    assert victim.read_text(encoding="utf-8") == "keep"
    assert len(set(names)) == 2 and all(name.startswith(".rules.toml.") for name in names)
    assert not any(name.endswith(f".{os.getpid()}.tmp") for name in names)


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(victim)
    write_atomic(link, "new")
    assert victim.read_text(encoding="utf-8") == "keep"
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "new"
    assert mode(link) == 0o600


def test_appended_files_are_private_and_refuse_symlinks(tmp_path: Path, umask: int) -> None:
    folder = private_dir(tmp_path / "logs")
    assert mode(folder) == 0o700
    path = folder / "log.jsonl"
    with open_private(path) as stream:
        stream.write("one\n")
    assert mode(path) == 0o600
    path.chmod(0o644)  # written by an older version: tightened when opened again
    with open_private(path) as stream:
        stream.write("two\n")
    assert mode(path) == 0o600 and path.read_text(encoding="utf-8") == "one\ntwo\n"
    link = folder / "link.jsonl"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError):
        open_private(link)
    assert not (tmp_path / "elsewhere").exists()
    with pytest.raises(FileExistsError):
        open_private(path, append=False)


def test_own_folders_are_tightened(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    calls.chmod(0o755)  # made by an older version
    private_dir(calls)
    assert mode(calls) == 0o700


def test_saved_config_and_latency_logs_are_private(tmp_path: Path, umask: int) -> None:
    from datetime import date

    from assist.config import EngineConfig, save_config
    from assist.latency_log import LatencyLog

    config = save_config(EngineConfig(), tmp_path / "xdg" / "sufler" / "config.toml")
    assert mode(config) == 0o600 and mode(config.parent) == 0o700
    log = LatencyLog(tmp_path / "logs", "Анна", "c1", "m", day=date(2026, 1, 1))
    log.close()
    assert mode(log.path) == 0o600 and mode(log.path.parent) == 0o700
