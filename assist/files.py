"""Private files: atomic writes, and folders and files only their owner can read.

Saved calls, logs, the config and deployed rules hold what customers said or how the
contact center works; on a shared PC they must not be readable by other accounts. Modes
are set explicitly (chmod after creating), so they hold whatever the umask is.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def private_dir(folder: str | Path, tighten: bool = True) -> Path:
    """Create `folder` (and missing parents) with mode 0700; with `tighten`, an existing
    folder of ours that others can read is made 0700 too (Sufler's own folders: calls,
    logs, state). Raises OSError."""
    path = Path(folder).expanduser()
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for created in missing:  # mkdir's mode is filtered by the umask: set it outright
        with contextlib.suppress(OSError):
            os.chmod(created, PRIVATE_DIR)
    if tighten and not missing:
        _tighten(path, PRIVATE_DIR)
    return path


def _tighten(path: Path, mode: int) -> None:
    """chmod an existing path of ours to `mode` when group or others have any access."""
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, mode)
    except (OSError, AttributeError):  # AttributeError: os.getuid on Windows
        pass


def _fchmod(descriptor: int, mode: int) -> None:
    if hasattr(os, "fchmod"):  # not on Windows before Python 3.13; ACLs guard files there
        os.fchmod(descriptor, mode)


def open_private(path: str | Path, append: bool = True) -> io.TextIOWrapper:
    """A text stream (UTF-8) on a file only its owner may read (0600, also when it existed
    with looser modes), opened for appending (or created new with `append=False`, which
    fails when the file exists). A symlink at `path` is refused (OSError), never followed."""
    target = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _CLOEXEC
    flags |= os.O_APPEND if append else os.O_EXCL
    descriptor = os.open(target, flags, PRIVATE_FILE)
    try:
        _fchmod(descriptor, PRIVATE_FILE)
        return open(descriptor, "a" if append else "w", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


def write_atomic(path: str | Path, text: str, mode: int = PRIVATE_FILE) -> Path:
    """Write UTF-8 text under an unpredictable temporary name in the target's folder, then
    rename it into place: a crash leaves the old file or the new one, never half of one.

    The file gets `mode` (0600 by default) whatever the umask; missing folders are created
    0700. A symlink at `path` is replaced by the new file, never written through (the
    rename replaces the link itself). Raises OSError (callers say what was being written)."""
    target = Path(path).expanduser()
    private_dir(target.parent, tighten=False)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
    temporary = Path(name)
    try:
        with open(descriptor, "w", encoding="utf-8") as handle:
            _fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
