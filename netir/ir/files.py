"""Safe file input and output.

Reads open regular files only (never a FIFO, device or directory: the check is made
on the opened descriptor, without blocking) and stop at a hard byte cap whatever
``st_size`` claims. Writes go to a temporary sibling that is renamed into place, so a
file is never half-written; new files get the mode the umask gives (0644 typically)
and a replaced file keeps its mode. :func:`write_tree` builds a set of files in a
temporary directory and moves them in together. Every failure is a :class:`FileError`
naming the path.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from netir.ir.errors import FileError

_CHUNK = 1 << 20

Writer = Callable[[Path], None]


def _fail(what: str, path: str | os.PathLike, err: OSError | None = None) -> FileError:
    got = str(path) if err is None else f"{path}: {err.strerror or err}"
    return FileError(what, got, node=str(path), op="file")


def read_bytes(path: str | os.PathLike, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``; FileError when it is missing, not a
    regular file (directory, FIFO, device, socket) or larger than ``limit`` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise _fail(f"cannot open the {what}", path, e) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(
                mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
                "not a regular file"
            raise _fail(f"the {what} must be a regular file, this is {kind}", path)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _fail(f"the {what} is larger than the limit of {limit:,} bytes", path)
        return b"".join(chunks)
    except OSError as e:
        if isinstance(e, FileError):
            raise
        raise _fail(f"cannot read the {what}", path, e) from None
    finally:
        os.close(fd)


def umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The mode a write to ``path`` should leave: the existing file's, else the umask's."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~umask()


def _refuse_special(path: Path) -> None:
    """An existing target must be a regular file (or a link): a rename would replace a
    device, FIFO, socket or folder by a file."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise _fail("the output exists and is not a regular file", path)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _fail("cannot create the folder for this file", path, e) from None


def write_atomic(path: str | os.PathLike, data: str | bytes | Writer) -> None:
    """Write a file through a temporary sibling and a rename: never half-written.

    ``data`` is the bytes or text, or a function that writes the path it is given.
    A new file gets mode ``0o666 & ~umask``; a replaced file keeps its mode.
    Raises FileError naming the path.
    """
    path = Path(path)
    _refuse_special(path)
    _make_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise _fail("cannot write here", path, e) from None
    try:
        with os.fdopen(fd, "wb") as f:
            if not callable(data):
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.fchmod(f.fileno(), _mode_for(path))
        if callable(data):
            data(Path(tmp))
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError) and not isinstance(e, FileError):
            raise _fail("cannot write the file", path, e) from None
        raise


def write_tree(directory: str | os.PathLike, files: Mapping[str, bytes | str | Writer]) -> Path:
    """Write a set of files into ``directory`` as one unit.

    Every file is first produced in a temporary directory beside ``directory``
    (a value is the file's bytes or text, or a function that writes the given path).
    If ``directory`` does not exist, the temporary directory is renamed to it: all
    files appear at once. Otherwise each file is renamed into place once all are
    ready, so an interrupted run leaves the old set, or a mix of files each of which
    is whole. Nothing is left behind on failure (no empty directory either). Files get
    the umask's mode; a replaced file keeps its own.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise _fail("the output folder is a file", directory)
    _make_parent(directory)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp",
                                    dir=directory.parent))
    except OSError as e:
        raise _fail("cannot write here", directory, e) from None
    try:
        for name, content in files.items():
            target = tmp / name
            if callable(content):
                content(target)
            else:
                with open(target, "wb") as f:
                    f.write(content.encode("utf-8") if isinstance(content, str) else content)
            _refuse_special(directory / name)
            os.chmod(target, _mode_for(directory / name))
        os.chmod(tmp, 0o777 & ~umask())
        if not directory.exists():
            os.rename(tmp, directory)
            return directory
        for name in files:
            os.replace(tmp / name, directory / name)
        tmp.rmdir()
        return directory
    except OSError as e:
        raise _fail("cannot write the output folder", directory, e) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def check_writable(path: str | os.PathLike, *, directory: bool = False) -> Path:
    """Make sure ``path`` can be written before any work starts.

    The path (a file, or with ``directory`` a folder) may exist as that kind; its
    nearest existing ancestor must be a folder in which a file can be created (tried
    with an anonymous temporary file, which leaves nothing behind). Raises FileError.
    """
    path = Path(path)
    kind = "folder" if directory else "file"
    if path.exists() and path.is_dir() != directory:
        raise _fail(f"the output {kind} exists as a "
                    f"{'file' if directory else 'folder'}", path)
    probe = path if directory and path.is_dir() else path.parent
    while not probe.exists():
        if probe.is_symlink():  # a dangling link: writing through it is not ours to do
            raise _fail("the output path goes through a broken symbolic link", probe)
        probe = probe.parent
    if not probe.is_dir():
        raise _fail(f"the output {kind} would lie under a file", path)
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as e:
        raise _fail(f"cannot write the output {kind} here", path, e) from None
    return path
