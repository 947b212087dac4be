"""``DurableStorage``: the session file and its answer journal, read and written safely.

A TinyDB storage that never leaves a partial file, never reads a damaged one as empty,
and follows the journal other processes append to one line at a time (the package
docstring, ``coherence_tui.storage``, describes the files and the guarantees).
"""

from __future__ import annotations

import errno
import os
import secrets
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.storages import Storage

from coherence_tui.storage.fileio import (
    PRIVATE_FILE,
    write_all,
    write_through_target,
)
from coherence_tui.storage.fileio import fsync_directory as _fsync_directory
from coherence_tui.storage.head import SessionHead as SessionHead  # part of the store's API
from coherence_tui.storage.journal import SUFFIX as JOURNAL_SUFFIX
from coherence_tui.storage.journal_log import JOURNAL_CHECKPOINT as JOURNAL_CHECKPOINT
from coherence_tui.storage.journal_log import Change, JournalLog, _Follow, _Outdated
from coherence_tui.storage.paths import SUFFIX as SUFFIX  # re-exported: part of the store's API
from coherence_tui.storage.paths import resolve_session_path as resolve_session_path
from coherence_tui.storage.schema import (
    _DOCUMENT_KEYS,
    _HEADER,
    _HEADER_PROBE,
    _PARTICIPANTS_TABLE,
    _TEMP_HEX,
    FORMAT,
    FORMAT_VERSION,
    FORMAT_VERSION_CLOSED,
    SessionCorrupt,
    SessionError,
    SessionNotFound,
    SessionTooNew,
    _by_doc_id,
    _Invalid,
    _Meta,
    _one_line,
    _parse_tables,
)

if TYPE_CHECKING:
    pass


StatKey = tuple[int, int, int, int, int]


def _stat_key(st: os.stat_result) -> StatKey:
    """What changes whenever the session file is replaced (a new inode) or rewritten."""
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


class DurableStorage(JournalLog, Storage):
    """A TinyDB storage that never leaves a partial file and never reads a bad one as empty.

    It holds the session file's tables plus the changes of its journal (see the module
    docstring). ``read()`` and ``sync()`` re-read the session file whenever its stat key
    changed and then read the journal's new lines only; they raise ``SessionNotFound``,
    ``SessionCorrupt`` or ``SessionTooNew`` and never return ``None``, which TinyDB
    would take for an empty database and overwrite. ``write()``, ``append()`` and
    ``checkpoint()`` are atomic and durable and may only run while the owner holds the
    session lock (``writable``), after ``sync(writer=True)``.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.journal_path = write_through_target(self.path).with_name(
            write_through_target(self.path).name + JOURNAL_SUFFIX
        )
        self.writable = False
        self.meta: _Meta | None = None
        """The parsed view of the cached tables; owners keep it in step with their writes."""
        self.version = 0
        """Grows whenever the cached tables change (a load, a journal line, a write)."""
        self.wrote = False
        """This storage wrote the session file or its journal: ``close`` folds the journal."""
        self.pending: list[Change] = []
        """Changes applied since ``drain`` last handed them out."""
        self.reloaded = False
        """The session file was (re)loaded since ``drain``: anything may have changed."""
        self._tables: dict[str, dict[str, Any]] | None = None
        self._key: StatKey | None = None
        self._format_version = FORMAT_VERSION_CLOSED
        self._generation = 0
        self._checksum = 0
        self._mode: int | None = None
        self._follow: _Follow | None = None

    @property
    def generation(self) -> int:
        """Writes so far: the session file's generation plus the journal's changes."""
        follow = self._follow
        return self._generation + (follow.entries if follow is not None and follow.live else 0)

    @property
    def journal_entries(self) -> int:
        """Changes in the live journal (0 when none is live)."""
        follow = self._follow
        return follow.entries if follow is not None and follow.live else 0

    @property
    def mode(self) -> int | None:
        """The file's permission bits as last read or written (``None`` before a read)."""
        return self._mode

    def forget(self) -> None:
        """Drop the cached tables: the next read loads the file (and journal) again."""
        self._tables = None
        self._key = None
        self.meta = None
        self._follow = None

    def drain(self) -> tuple[bool, list[Change]]:
        """``(reloaded, changes)`` since the last call; then both are cleared."""
        reloaded, pending = self.reloaded, self.pending
        self.reloaded, self.pending = False, []
        return reloaded, ([] if reloaded else pending)

    def _error(self, cls: type[SessionError], reason: str) -> SessionError:
        return cls(f"{self.path}: {_one_line(reason)}")

    def _stat(self) -> os.stat_result:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            self.forget()
            raise self._error(SessionNotFound, "no such session file") from None
        except OSError as error:
            self.forget()
            raise self._error(SessionError, f"cannot read: {error.strerror}") from None

    def read(self) -> dict[str, dict[str, Any]]:
        self.sync()
        assert self._tables is not None
        return self._tables

    def stale(self) -> bool:
        """Cheap (two ``stat`` calls): has anything been written since our last read?"""
        try:
            key = _stat_key(os.stat(self.path))
        except OSError:
            return True
        if key != self._key:
            return True
        follow = self._follow
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            return follow is not None and follow.live is not False
        except OSError:
            return True
        if follow is None:
            return self._format_version >= FORMAT_VERSION
        return (st.st_dev, st.st_ino) != (follow.dev, follow.ino) or (
            follow.live is not False and st.st_size != follow.offset
        )

    def sync(self, *, writer: bool = False) -> None:
        """Bring the cache up to the disk: the session file if it was replaced, then the
        journal's new lines (``writer``, under the lock: also cut a dead writer's torn line)."""
        for _attempt in range(3):
            st = self._stat()
            key = _stat_key(st)
            if self._tables is None or key != self._key:
                if not self._same_tables(st):
                    self._load()
            elif writer and not self._header_matches():
                self._load()  # replaced by a file with our inode, size and time: never trust it
            try:
                self._follow_journal(writer=writer)
                return
            except _Outdated:
                self._key = None  # the session file is newer than ours: load it again
        # A journal newer than any session file beside it (a restored backup): ignore it.
        if self._follow is not None:
            self._follow.live = False

    def _same_tables(self, st: os.stat_result) -> bool:
        """A new file holding our very tables (it only opened or closed the journal, or its
        mode changed): adopt it after checking its checksum, without parsing it again."""
        if self._tables is None:
            return False
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except OSError:
            return False
        match = _HEADER.match(raw)
        if match is None or (int(match[2]), int(match[3], 16)) != (
            self._generation,
            self._checksum,
        ):
            return False
        version = int(match[1])
        end = len(raw.rstrip()) - 1
        if (
            not 1 <= version <= FORMAT_VERSION
            or raw[end : end + 1] != b"}"
            or zlib.crc32(raw[match.end() : end]) != self._checksum
        ):
            return False  # let _load say what is wrong with it
        self._key, self._format_version = _stat_key(st), version
        self._mode = st.st_mode & 0o777
        if version < FORMAT_VERSION:
            self._follow = None
        return True

    def _header_probe(self) -> tuple[int, int, int] | None:
        """(format version, generation, checksum) from the file's first bytes, if they parse."""
        try:
            with open(self.path, "rb") as handle:
                probe = handle.read(_HEADER_PROBE)
        except OSError:
            return None
        match = _HEADER.match(probe)
        if match is None:
            return None
        return int(match[1]), int(match[2]), int(match[3], 16)

    def _header_matches(self) -> bool:
        probe = self._header_probe()
        return (
            probe is not None
            and (probe[1], probe[2]) == (self._generation, self._checksum)
            and probe[0] == self._format_version
        )

    def _load(self) -> dict[str, dict[str, Any]]:
        self.forget()
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                key = _stat_key(st)
                raw = handle.read()
        except FileNotFoundError:
            raise self._error(SessionNotFound, "no such session file") from None
        except IsADirectoryError:
            raise self._error(SessionError, "is a directory, not a session file") from None
        except OSError as error:
            raise self._error(SessionError, f"cannot read: {error.strerror}") from None
        version, generation, checksum, tables, meta = self._verify(raw)
        self._tables, self._key, self._format_version = tables, key, version
        self._generation, self._checksum, self.meta = generation, checksum, meta
        self._mode = st.st_mode & 0o777
        self.version += 1
        self.reloaded, self.pending = True, []
        return tables

    def _verify(self, raw: bytes) -> tuple[int, int, int, dict[str, dict[str, Any]], _Meta]:
        corrupt = SessionCorrupt
        if not raw.strip():
            raise self._error(corrupt, "the file is empty (an interrupted copy?); refused")
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise self._error(
                corrupt, f"not valid JSON, the file is truncated or damaged ({error}); refused"
            ) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise self._error(corrupt, "not a coherence-tui session file; refused")
        version = document.get("format_version")
        if type(version) is not int or version < 1:
            raise self._error(corrupt, f"unknown format_version {version!r}; refused")
        if version > FORMAT_VERSION:
            raise self._error(
                SessionTooNew,
                f"written by a newer coherence-tui (format version {version}, this one reads "
                f"up to {FORMAT_VERSION}); upgrade coherence-tui to open it",
            )
        match = _HEADER.match(raw)
        end = len(raw.rstrip()) - 1
        if match is None or raw[end : end + 1] != b"}" or set(document) != _DOCUMENT_KEYS:
            raise self._error(
                corrupt,
                "the header was rewritten outside coherence-tui, so its checksum cannot be "
                "verified; refused",
            )
        generation, checksum = int(match[2]), int(match[3], 16)
        if zlib.crc32(raw[match.end() : end]) != checksum:
            raise self._error(
                corrupt,
                "checksum mismatch: the file was edited outside coherence-tui or is damaged; "
                "refused",
            )
        tables = document["tables"]
        try:
            meta = _parse_tables(tables)
        except _Invalid as problem:
            raise self._error(corrupt, f"invalid session data: {problem}; refused") from None
        return version, generation, checksum, tables, meta

    # ------------------------------------------------------------------ the session file

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """TinyDB's write (imports, settings, state): one new session file, journal folded in."""
        if not self.writable:
            raise RuntimeError("DurableStorage.write outside the session lock")
        self._commit(data, self.generation + 1, version=FORMAT_VERSION_CLOSED)
        self._remove_journal()

    def create(self, tables: dict[str, dict[str, Any]]) -> None:
        """Write generation 1 of a new file; ``SessionError`` if the path exists."""
        self._commit(tables, 1, exclusive=True, version=FORMAT_VERSION_CLOSED)

    def _encode(
        self, tables: dict[str, dict[str, Any]], generation: int, version: int
    ) -> tuple[bytes, int]:
        people = tables.get(_PARTICIPANTS_TABLE)
        if people:
            # Document-id order (random ids), never the order people arrived in.
            tables[_PARTICIPANTS_TABLE] = dict(sorted(people.items(), key=_by_doc_id))
        body = orjson.dumps(tables)
        checksum = zlib.crc32(body)
        header = (
            b'{"format":"%s","format_version":%d,"generation":%d,"checksum":"crc32:%08x","tables":'
            % (FORMAT.encode(), version, generation, checksum)
        )
        return b"".join((header, body, b"}\n")), checksum

    def _commit(
        self,
        tables: dict[str, dict[str, Any]],
        generation: int,
        *,
        version: int,
        exclusive: bool = False,
    ) -> None:
        try:
            payload, checksum = self._encode(tables, generation, version)
        except (TypeError, orjson.JSONEncodeError) as error:
            self.forget()
            raise self._error(SessionError, f"cannot save: {error}") from None
        # Through a symlink, the file it points to is replaced and the link kept.
        target = self.path if exclusive else write_through_target(self.path)
        directory = target.parent
        temp = directory / f".{target.name}.{secrets.token_hex(_TEMP_HEX // 2)}.tmp"
        # Owner-only when new; an existing file keeps its owner and group bits (a
        # facilitator may share it with a group) but never stays readable by others.
        mode = PRIVATE_FILE if self._mode is None or exclusive else self._mode & 0o770
        fd: int | None = None
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            write_all(fd, payload)
            os.fsync(fd)
            if exclusive:
                self._link_new(temp)
            else:
                os.replace(temp, target)
            # After the rename: a rename changes the inode's ctime, part of the stat key.
            key = _stat_key(os.fstat(fd))
            os.close(fd)
            fd = None
        except BaseException as error:
            self.forget()
            if fd is not None:
                os.close(fd)
            try:
                os.unlink(temp)
            except OSError:
                pass
            if isinstance(error, SessionError):
                raise
            if isinstance(error, OSError):
                outcome = (
                    "nothing was created"
                    if exclusive
                    else "the previous version of the file is intact"
                )
                raise self._error(
                    SessionError, f"could not save ({error.strerror or error}); {outcome}"
                ) from error
            raise
        try:
            _fsync_directory(directory)
        except OSError as error:
            self.forget()
            raise self._error(
                SessionError,
                f"saved, but the directory could not be synced ({error.strerror}); the last "
                "change may not survive a power cut",
            ) from error
        self._tables, self._key = tables, key
        self._generation, self._checksum = generation, checksum
        self._mode, self._format_version = mode, version
        self._follow = None  # any journal beside the file is folded into it now
        self.version += 1
        if not exclusive:
            self.wrote = True

    def _link_new(self, temp: Path) -> None:
        """Give the new file its name only if nothing has that name yet."""
        exists = self._error(SessionError, "a session file with this name already exists")
        try:
            os.link(temp, self.path)
        except FileExistsError:
            raise exists from None
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            # A file system without hard links: we hold the lock, so check then rename.
            if self.path.exists():
                raise exists from None
            os.replace(temp, self.path)
            return
        try:
            os.unlink(temp)
        except OSError:
            pass  # a leftover temporary file; the next writer sweeps it
