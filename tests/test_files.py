"""autograd.files: bounded reads of regular files only, strict JSON, atomic writes that never
replace a device, a FIFO or a socket."""

from __future__ import annotations

import os
import re
import socket
import stat
import threading
from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.autograd.files import (
    FileRefusedError,
    atomic_write,
    check_writable,
    load_json,
    parse_strict_json,
    read_bounded,
)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


def test_loaders_refuse_every_kind_of_non_regular_file_without_blocking(
        tmp_path: Path, fifo: Path, unix_socket: Path) -> None:
    # A FIFO with no writer would block open() forever; /dev/zero and /dev/urandom never end.
    done = threading.Event()

    def attempts() -> None:
        for path, kind in [(fifo, "FIFO"), (Path("/dev/zero"), "device"), (Path("/dev/urandom"), "device"),
                           (Path("/dev/null"), "device"), (unix_socket, "socket"), (tmp_path, "folder")]:
            with pytest.raises(FileRefusedError, match=kind):
                read_bounded(path)
            with pytest.raises(ValueError, match=str(path)):
                nn.load(path)
        done.set()

    worker = threading.Thread(target=attempts, daemon=True)
    worker.start()
    worker.join(10)
    assert done.is_set(), "a loader blocked on a non-regular file"


def test_reads_are_bounded_to_the_limit_plus_one_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 1000)
    assert read_bounded(path, limit=1000) == b"x" * 1000
    read: list[int] = []
    real_read = os.read

    def counting(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "read", counting)
    with pytest.raises(FileRefusedError, match=r"more than 999 bytes"):
        read_bounded(path, limit=999)
    assert sum(read) == 1000  # limit + 1, never the whole file
    with pytest.raises(FileNotFoundError, match="no such"):
        read_bounded(tmp_path / "missing.json")


@pytest.mark.parametrize("text, message", [
    ('{"a": 1, "a": 2}', "'a' appears twice"),
    ('{"x": {"w": 1, "w": 1}}', "'w' appears twice"),
    ('{"a": NaN}', "NaN is not a finite number"),
    ('[-Infinity]', "-Infinity is not a finite number"),
    ('[1e400]', "too large for a float"),
    ("[" + "1" * 5000 + "]", "not strict JSON"),
    ("[" * 100_000, "nested too deeply|invalid JSON"),
    ("{not json", "invalid JSON"),
])
def test_strict_json_refuses(text: str, message: str) -> None:
    with pytest.raises(FileRefusedError, match=message):
        parse_strict_json(text, "answers.json")


def test_load_json_and_duplicate_keys_in_a_model_file(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    nn.MLP(2, [1], rng=0).save(path)
    assert load_json(path)["format"] == "deltagrad.mlp"
    text = path.read_text()
    path.write_text(text.replace('"weights":', '"weights": [[[9, 9]]], "weights":', 1))
    with pytest.raises(ValueError, match=r"m\.json.*'weights' appears twice"):
        nn.load(path)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # a byte-order mark is fine
    assert nn.load(path).sizes == [2, 1]


@pytest.mark.parametrize("target", ["fifo", "/dev/null", "/dev/zero", "socket"])
def test_atomic_write_refuses_a_non_regular_target_before_any_work(
        tmp_path: Path, fifo: Path, unix_socket: Path, target: str) -> None:
    path = {"fifo": fifo, "socket": unix_socket}.get(target, Path(target))
    before = os.stat(path)
    for write in (lambda: atomic_write(path, b"{}"), lambda: nn.MLP(2, [1], rng=0).save(path),
                  lambda: check_writable(path)):
        with pytest.raises(ValueError, match=f"cannot write {path}: it is a"):
            write()
    after = os.stat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)  # never replaced
    assert not stat.S_ISREG(after.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.json", "s.sock"]  # no temporary left


def test_a_symlink_to_a_device_is_refused_and_to_a_file_followed(tmp_path: Path) -> None:
    link = tmp_path / "null.json"
    link.symlink_to("/dev/null")
    with pytest.raises(ValueError, match="it is a device"):
        atomic_write(link, b"{}")
    assert link.is_symlink()


def test_a_250_byte_file_name_can_be_saved_and_checked(tmp_path: Path) -> None:
    path = tmp_path / ("m" * 245 + ".json")  # 250 bytes; the file system allows 255
    assert check_writable(path) == path and not path.exists()
    nn.MLP(2, [1], rng=0).save(path)
    assert nn.load(path).sizes == [2, 1]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_check_writable_tries_the_temporary_file(tmp_path: Path) -> None:
    dangling = tmp_path / "link.json"
    dangling.symlink_to(tmp_path / "missing" / "model.json")
    with pytest.raises(FileNotFoundError, match="cannot write"):
        check_writable(dangling)
    with pytest.raises(OSError, match="File name too long|cannot write"):
        check_writable(tmp_path / ("m" * 300 + ".json"))
    assert [p.name for p in tmp_path.iterdir()] == ["link.json"]


# -- saves keep the mode, follow symlinks, leave no temp file -----------------------------
def test_save_keeps_mode_and_follows_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("{}")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    nn.MLP(2, [1], rng=0).save(link)
    assert link.is_symlink() and nn.load(target).sizes == [2, 1]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_an_interrupted_write_removes_its_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "f.json", b"data")
    assert list(tmp_path.iterdir()) == []


def test_temp_file_names_say_what_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", spy)
    atomic_write(tmp_path / "model.json", b"{}")
    assert re.fullmatch(r"\.deltagrad-[0-9a-f]{8}\.tmp", seen[0])  # short: a 250-byte name still fits
