"""Writing files so that a crash never leaves a half-written one."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A crash leaves either the old file or the new one, never a half-written one. A symlink
    is followed and its target written, as editors do; an existing file keeps its mode. On
    an exception or Ctrl-C the temporary file is removed; after a SIGKILL it stays, named
    ``.NAME.deltagrad-partial-XXXX.tmp`` beside the target so that it says what it is.
    """
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise IsADirectoryError(21, f"cannot write {target}: it is a folder")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _FILE_MODE
    except OSError as err:
        raise OSError(err.errno, f"cannot write {target}: {err.strerror}") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.deltagrad-partial-", suffix=".tmp",
                                   dir=target.parent)
    except OSError as err:  # name the file the caller asked for, not the temporary one
        raise OSError(err.errno, f"cannot write {target}: {err.strerror}") from None
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
        os.chmod(tmp, mode)  # mkstemp creates files readable by the owner only
        os.replace(tmp, target)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, FileNotFoundError):
            raise OSError(err.errno, f"cannot write {target}: {err.strerror or err}") from None
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return target


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
