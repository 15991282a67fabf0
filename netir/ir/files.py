"""Safe file input and output.

Reads open regular files only (never a FIFO, device or directory: the check is made
on the opened descriptor, without blocking) and stop at a hard byte cap whatever
``st_size`` claims. Writes go to a temporary sibling that is renamed into place, so a
file is never half-written; new files get the mode the umask gives (0644 typically)
and a replaced file keeps its mode. :func:`write_tree` builds a set of files in a
temporary folder that then takes the folder's place in one step. Every failure is a
:class:`FileError` naming the path.
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


def write_tree(directory: str | os.PathLike, files: Mapping[str, bytes | str | Writer],
               replaceable: Callable[[str], bool] = lambda name: False) -> Path:
    """Write a set of files as the whole content of ``directory``, in one step.

    Every file is first produced in a temporary folder beside ``directory`` (a value
    is the file's bytes or text, or a function that writes the given path; what such a
    function writes beside it belongs to the set too). The finished folder then takes
    the place of ``directory``: renamed to it if it does not exist, else exchanged with
    it in one ``renameat2(RENAME_EXCHANGE)``, so that at every instant, a ``kill -9``
    included, ``directory`` holds the complete old set or the complete new one. The
    old set is then removed. Where the system cannot exchange two folders, the old
    folder is renamed aside first; a kill between the two renames leaves the old set
    whole beside it (``.<name>.<random>.old``) and no ``directory``.

    The set replaces the folder, so an existing ``directory`` may hold only files the
    set writes or that ``replaceable`` accepts (another saved set's files); one that
    holds anything else (a user's file, a subfolder, a link) is refused, as is the
    current folder or one above it (the process would be left in a removed folder).
    A killed run may leave its temporary folder (``.<name>.<random>.tmp``) beside
    ``directory``; nothing is left on a failure that raises. New files get the umask's
    mode and a replaced file keeps its own; the folder keeps its mode, or gets the
    umask's when new. Raises FileError naming the folder.
    """
    directory = Path(os.path.realpath(directory))  # through a link: its target changes
    if directory.exists() and not directory.is_dir():
        raise _fail("the output folder is a file", directory)
    existed = directory.is_dir()
    if existed:
        _check_replaceable(directory, lambda name: name in files or replaceable(name))
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
            os.chmod(target, _mode_for(directory / name))
        os.chmod(tmp, stat.S_IMODE(os.stat(directory).st_mode) if existed
                 else 0o777 & ~umask())
        if not existed:
            os.rename(tmp, directory)
        else:
            _swap(tmp, directory)
        return directory
    except OSError as e:
        raise _fail("cannot write the output folder", directory, e) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _check_replaceable(directory: Path, ours: Callable[[str], bool]) -> None:
    """Refuse to replace a folder that holds what is not a set's file, or the cwd."""
    cwd = Path(os.path.realpath(os.getcwd()))
    if cwd == directory or directory in cwd.parents:
        raise _fail("the output folder is the current folder or holds it, and netir "
                    "replaces the whole folder; name a folder below it", directory)
    try:
        with os.scandir(directory) as entries:
            foreign = sorted(e.name for e in entries
                             if not (ours(e.name) and e.is_file(follow_symlinks=False)))
    except OSError as e:
        raise _fail("cannot read the output folder", directory, e) from None
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if
                                          len(foreign) > 5 else "")
        raise _fail(f"the output folder holds files netir did not write ({shown}); netir "
                    "replaces the whole folder, so name an empty or new one", directory)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    import ctypes
    import errno

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(new: Path, directory: Path) -> None:
    """Put the folder ``new`` in the place of ``directory``; ``new`` then holds the old
    content, which the caller removes."""
    if _exchange(new, directory):
        return
    aside = new.with_name(new.name.removesuffix(".tmp") + ".old")
    os.rename(directory, aside)
    os.rename(new, directory)
    os.rename(aside, new)


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
