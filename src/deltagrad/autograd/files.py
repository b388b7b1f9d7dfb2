"""Files from and for users: bounded reads of regular files only, strict JSON, atomic writes.

A user's file is untrusted. `read_bounded` opens only a regular file (a FIFO, a device or
a socket is refused before anything is read, with a non-blocking open so that a FIFO with
no writer cannot hang it) and reads at most the limit plus one byte, so ``/dev/zero`` or a
huge file costs nothing. `load_json` adds strict JSON on top: no NaN or Infinity, no
duplicate keys, no number too large for a float. `atomic_write` never writes over
anything but a regular file, and a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import errno
import json
import math
import os
import secrets
import signal
import stat
from pathlib import Path
from typing import Any

from deltagrad.i18n import _

# The largest user file read by default: far above any model, answers file or roster of a
# class, far below what would hurt a machine.
MAX_READ_BYTES = 16 * 1024 * 1024

__all__ = ["MAX_READ_BYTES", "FileRefusedError", "atomic_write", "check_writable", "load_json",
           "parse_strict_json", "read_bounded", "read_text"]


class FileRefusedError(ValueError):
    """A user's file that is not read: not a regular file, too large, or not what it should be."""


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def _a_folder(target: object, what: str) -> FileRefusedError:
    """The refusal of a folder where a file was expected."""
    return FileRefusedError(_("{path} is a folder: the {what} must be a regular file").format(path=target, what=what))


def _not_regular(path: Path, mode: int, what: str) -> FileRefusedError:
    return FileRefusedError(_("{path} is {kind}: the {what} must be a regular file").format(
        path=path, kind=_kind(mode), what=what))


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_READ_BYTES, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    `FileRefusedError` (a ValueError) naming the file when it is a folder, a FIFO, a device
    or a socket (checked without blocking, before anything is read) or when it holds more
    than ``limit`` bytes (at most ``limit + 1`` are ever read); FileNotFoundError when it
    does not exist. ``what`` names the file in messages ("model file", "answers file").
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(_("limit must be a whole number of bytes >= 0, got {limit!r}").format(limit=limit))
    target = Path(path)
    try:  # checked before opening (a socket cannot be opened) and again after (a swap between)
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, _("no such {what}: {path}").format(what=what, path=target)) from None
    except OSError as err:
        raise OSError(err.errno, _("cannot read {path}: {reason}").format(path=target, reason=err.strerror)) from None
    if stat.S_ISDIR(mode):
        raise _a_folder(target, what)
    if not stat.S_ISREG(mode):
        raise _not_regular(target, mode, what)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, _("no such {what}: {path}").format(what=what, path=target)) from None
    except IsADirectoryError:
        raise _a_folder(target, what) from None
    except OSError as err:
        raise OSError(err.errno, _("cannot read {path}: {reason}").format(path=target, reason=err.strerror)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(target, mode, what)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise OSError(err.errno, _("cannot read {path}: {reason}").format(path=target, reason=err.strerror)) from None
    finally:
        os.close(fd)
    if size > limit:
        raise FileRefusedError(_("{path} holds more than {limit:,} bytes, more than any {what} "
                                 "(the limit of what deltagrad reads)").format(path=target, limit=limit, what=what))
    return b"".join(chunks)


def read_text(path: str | os.PathLike[str], limit: int = MAX_READ_BYTES, what: str = "file") -> str:
    """`read_bounded`, decoded as UTF-8 (a leading byte-order mark is dropped);
    `FileRefusedError` naming the file for text that is not UTF-8."""
    data = read_bounded(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("{path} is not UTF-8 text, so it cannot be the {what}").format(path=path, what=what)
        raise FileRefusedError(message) from None


def _refuse_constant(name: str) -> float:
    raise ValueError(_("{name} is not a finite number (strict JSON has no NaN or Infinity)").format(name=name))


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(_("the key {key!r} appears twice in one object").format(key=key))
        seen[key] = value
    return seen


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: too large for a float
        raise ValueError(_("the number {text} is too large for a float").format(text=text[:40]))
    return value


def parse_strict_json(text: str, source: str = "JSON text") -> Any:
    """``text`` parsed as strict JSON: NaN, Infinity, duplicate keys, numbers too large
    for a float and nesting past Python's limit are refused with `FileRefusedError`
    naming ``source``."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicates,
                          parse_float=_finite_float)
    except json.JSONDecodeError as err:
        raise FileRefusedError(_("{source}: invalid JSON ({reason})").format(source=source, reason=err)) from None
    except RecursionError:
        raise FileRefusedError(_("{source}: JSON nested too deeply").format(source=source)) from None
    except ValueError as err:  # our refusals, and an integer of more digits than Python converts
        raise FileRefusedError(_("{source}: not strict JSON ({reason})").format(source=source, reason=err)) from None


def load_json(path: str | os.PathLike[str], limit: int = MAX_READ_BYTES, what: str = "JSON file") -> Any:
    """The strict JSON of the regular file at ``path`` (`read_text`, then `parse_strict_json`)."""
    return parse_strict_json(read_text(path, limit, what), str(path))


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file


def _resolve_target(path: str | os.PathLike[str]) -> tuple[Path, int]:
    """The file a write to ``path`` replaces (a symlink followed) and the mode it gets;
    ValueError for anything that exists and is not a regular file."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        st = target.stat()
    except FileNotFoundError:
        return target, _FILE_MODE
    except OSError as err:
        raise OSError(err.errno, _("cannot write {path}: {reason}").format(path=target, reason=err.strerror)) from None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, _("cannot write {path}: it is a folder").format(path=target))
    if not stat.S_ISREG(st.st_mode):
        # Renaming over a device or a FIFO would replace it (as root: /dev/null itself).
        raise FileRefusedError(_("cannot write {path}: it is {kind}, and deltagrad writes only regular "
                                 "files").format(path=target, kind=_kind(st.st_mode)))
    return target, st.st_mode & 0o7777


def _temporary(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target`` with a short name (a 255-byte file name
    still fits), opened for writing; it says what it is: ``.deltagrad-XXXXXXXX.tmp``."""
    for _attempt in range(100):
        tmp = target.parent / f".deltagrad-{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), tmp
        except FileExistsError:
            continue
        except OSError as err:  # name the file the caller asked for, not the temporary one
            raise OSError(err.errno, _("cannot write {path}: {reason}").format(
                path=target, reason=err.strerror)) from None
    raise OSError(errno.EEXIST, _("cannot write {path}: no free temporary name").format(path=target))


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Check that `atomic_write` to ``path`` will work, by doing what it does: create its
    temporary file beside the target and remove it again. Before long work, so that the
    work is not lost at the end; the same errors as `atomic_write`."""
    target, _mode = _resolve_target(path)
    fd, tmp = _temporary(target)
    os.close(fd)
    tmp.unlink(missing_ok=True)
    return target


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A crash leaves either the old file or the new one, never a half-written one. A symlink
    is followed and its target written, as editors do; an existing file keeps its mode. A
    target that exists and is not a regular file (a device, a FIFO, a socket) is refused
    with ValueError before anything is written. On an exception or Ctrl-C the temporary
    file is removed; after a SIGKILL it stays, named ``.deltagrad-XXXXXXXX.tmp`` beside the
    target so that it says what it is.
    """
    target, mode = _resolve_target(path)
    fd, tmp = _temporary(target)
    previous = None
    try:
        try:  # SIGTERM too ends in the except below (Ctrl-C already raises KeyboardInterrupt)
            previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        except ValueError:  # not the main thread: signals cannot be set here
            previous = None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)  # the temporary file is readable by the owner only
        os.replace(tmp, target)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, FileNotFoundError):
            raise OSError(err.errno, _("cannot write {path}: {reason}").format(
                path=target, reason=err.strerror or err)) from None
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return target


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
