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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.storages import Storage

from coherence_tui.domain.vocabulary import (
    Answer,
    Participant,
)
from coherence_tui.storage import journal
from coherence_tui.storage.fileio import (
    PRIVATE_FILE,
    write_all,
    write_through_target,
)
from coherence_tui.storage.fileio import fsync_directory as _fsync_directory
from coherence_tui.storage.head import SessionHead as SessionHead  # part of the store's API
from coherence_tui.storage.journal import SUFFIX as JOURNAL_SUFFIX
from coherence_tui.storage.paths import SUFFIX as SUFFIX  # re-exported: part of the store's API
from coherence_tui.storage.paths import resolve_session_path as resolve_session_path
from coherence_tui.storage.schema import (
    _DOCUMENT_KEYS,
    _HEADER,
    _HEADER_PROBE,
    _LEVELS,
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
    _check_participant,
    _Invalid,
    _Meta,
    _one_line,
    _parse_tables,
)

if TYPE_CHECKING:
    pass


StatKey = tuple[int, int, int, int, int]

JOURNAL_CHECKPOINT = 4096
"""Journal lines after which the next writer folds them into the session file first
(the journal stays short, so opening a session replays it in milliseconds)."""
_PENDING_LIMIT = 100_000
"""Changes kept for ``SessionStore.changes`` before we say "reload" instead (nobody asked)."""

Change = Participant | Answer
"""One change, as ``SessionStore.changes`` reports it: a participant who joined or
finished (their latest form), or an answer."""


def _stat_key(st: os.stat_result) -> StatKey:
    """What changes whenever the session file is replaced (a new inode) or rewritten."""
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


@dataclass(slots=True)
class _Follow:
    """How far we have read the journal file with this inode."""

    dev: int
    ino: int
    live: bool | None = None
    """True: its header names our session file; False: stale (folded already); None: unread."""
    offset: int = 0
    """Bytes of complete lines read and applied."""
    crc: int = 0
    """The chained CRC after them."""
    entries: int = 0
    """Change lines applied (the header not counted)."""
    read_crc: int = 0
    """CRC-32 of the ``offset`` bytes read: they must never change under us."""
    mtime: int = -1
    """The journal's mtime when we had read all of it (an append or an edit changes it)."""


class _Outdated(Exception):
    """The journal continues a newer session file than the one we hold: load that first."""


class DurableStorage(Storage):
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

    # ------------------------------------------------------------------ the journal

    def _journal_error(self, reason: str) -> SessionError:
        return self._error(
            SessionCorrupt, f"its answer journal {self.journal_path.name}: {reason}; refused"
        )

    def _follow_journal(self, *, writer: bool) -> None:
        """Apply the journal's lines that we have not applied yet (see the module docstring).

        Lines already read are not parsed again; a writer (and a reader that finds the
        journal rewritten in place) checks that their bytes are still the ones it read, so
        nobody appends to, or folds, a journal damaged under it.
        """
        if self._format_version < FORMAT_VERSION:
            self._follow = None  # a closed session file: any journal beside it is folded in
            return
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            if self._follow is not None and self._follow.entries:
                raise _Outdated from None  # folded and removed since we read it
            self._follow = None
            return
        except OSError as error:
            raise self._error(SessionError, f"cannot read its journal: {error.strerror}") from None
        follow = self._follow
        if follow is None or (follow.dev, follow.ino) != (st.st_dev, st.st_ino):
            if follow is not None and follow.entries:
                raise _Outdated  # a new journal: the old one was folded into a newer file
            follow = self._follow = _Follow(st.st_dev, st.st_ino)
        if follow.live is False:
            return
        unchanged = st.st_size == follow.offset and st.st_mtime_ns == follow.mtime
        if unchanged and not writer:
            return
        if st.st_size < follow.offset:
            self.forget()
            raise self._journal_error(
                "it changed since it was read: it is shorter (cut outside coherence-tui)"
            )
        check_prefix = follow.offset > 0 and (writer or st.st_size == follow.offset)
        try:
            with open(self.journal_path, "rb") as handle:
                if os.fstat(handle.fileno()).st_ino != follow.ino:
                    raise _Outdated  # replaced between the stat and the open
                if not check_prefix:
                    handle.seek(follow.offset)
                raw = handle.read()
        except OSError as error:
            raise self._error(SessionError, f"cannot read its journal: {error.strerror}") from None
        if check_prefix:
            if zlib.crc32(raw[: follow.offset]) != follow.read_crc:
                self.forget()
                raise self._journal_error(
                    "lines already read have changed (edited outside coherence-tui or damaged)"
                )
            raw = raw[follow.offset :]
        first_line = follow.entries + (1 if follow.offset == 0 else 2)
        try:
            lines = journal.split(raw, follow.crc, first_line)
        except journal.JournalDamaged as problem:
            self.forget()
            raise self._journal_error(str(problem)) from None
        start = 0
        for value, end in zip(lines.values, lines.ends, strict=True):
            if follow.offset == 0:
                try:
                    head = journal.parse_header(value)
                except journal.JournalDamaged as problem:
                    self.forget()
                    raise self._journal_error(str(problem)) from None
                if (head.generation, head.checksum) != (self._generation, self._checksum):
                    if head.generation > self._generation:
                        raise _Outdated
                    follow.live = False  # folded into the session file already
                    return
                follow.live = True
            else:
                try:
                    self._apply(value)
                except _Invalid as problem:
                    self.forget()
                    raise self._journal_error(f"line {follow.entries + 2}: {problem}") from None
                follow.entries += 1
            follow.offset += end - start
            follow.read_crc = zlib.crc32(raw[start:end], follow.read_crc)
            start = end
        follow.crc = lines.crc
        follow.mtime = st.st_mtime_ns if start == len(raw) else -1
        if writer and start < len(raw):
            self._cut_torn_line(follow.offset)

    def _cut_torn_line(self, offset: int) -> None:
        """Under the lock: remove the unfinished last line of a writer that died mid-append
        (it was never acknowledged), so the next line starts on a line of its own."""
        try:
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.ftruncate(fd, offset)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise self._error(
                SessionError, f"cannot repair its journal ({error.strerror}); nothing was changed"
            ) from None

    def _apply(self, entry: Any) -> Change:
        """Check one journal change against the session and apply it to the cached tables."""
        assert self._tables is not None and self.meta is not None
        meta = self.meta
        participants = self._tables.setdefault(_PARTICIPANTS_TABLE, {})
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            raise _Invalid("not a change")
        kind = entry[0]
        if kind == "participant" and len(entry) == 6:
            _, doc_id, code, level, department, created_at = entry
            if type(doc_id) is not int or not 1 <= doc_id < 2**31 or str(doc_id) in participants:
                raise _Invalid(f"participant document id {doc_id!r} is invalid or taken")
            doc = {
                "code": code,
                "level": level,
                "department": department,
                "created_at": created_at,
                "finished_at": None,
                "answers": {},
            }
            code = _check_participant(str(doc_id), doc, meta.head.item_ids)
            if code in meta.codes:
                raise _Invalid(f"participant code {code!r} appears twice")
            participants[str(doc_id)] = doc
            meta.codes[code] = str(doc_id)
            change: Change = Participant(code, _LEVELS[level], department)
        elif kind == "answer" and len(entry) == 5:
            _, code, item, value, answered_at = entry
            doc = self._participant_doc(participants, meta, code)
            if item not in meta.head.item_ids:
                raise _Invalid(f"an answer to {item!r}, which is not in the questionnaire")
            if value is not None and (type(value) is not int or not -2 <= value <= 2):
                raise _Invalid(f"an answer of {value!r}, not -2..2 or null")
            if type(answered_at) is not str:
                raise _Invalid("an answer without its time")
            doc["answers"][item] = [value, answered_at]
            change = Answer(code, item, value, answered_at)
        elif kind == "finish" and len(entry) == 3:
            _, code, finished_at = entry
            doc = self._participant_doc(participants, meta, code)
            if type(finished_at) is not str:
                raise _Invalid("a finish without its time")
            doc["finished_at"] = finished_at
            change = Participant(code, _LEVELS[doc["level"]], doc["department"], True, finished_at)
        else:
            raise _Invalid(f"an unknown change {kind!r}")
        self.version += 1
        pending = self.pending
        if len(pending) < _PENDING_LIMIT:
            pending.append(change)
        else:
            self.reloaded, self.pending = True, []
        return change

    @staticmethod
    def _participant_doc(participants: dict[str, Any], meta: _Meta, code: Any) -> dict[str, Any]:
        doc_id = meta.codes.get(code) if isinstance(code, str) else None
        if doc_id is None:
            raise _Invalid(f"a change for the unknown participant {code!r}")
        doc: dict[str, Any] = participants[doc_id]
        return doc

    def append(self, entry: list[Any]) -> Change:
        """Write one change to the journal, durably; under the lock, after ``sync(writer=True)``.

        Opens a journal first if none is live, and folds a long one into the session file.
        """
        if not self.writable:
            raise RuntimeError("DurableStorage.append outside the session lock")
        assert self._tables is not None
        follow = self._follow
        if follow is None or not follow.live:
            self._open_journal()
        elif follow.entries >= JOURNAL_CHECKPOINT:
            self.checkpoint(keep_journal=True)
        follow = self._follow
        assert follow is not None and follow.live
        line, crc = journal.encode(entry, follow.crc)
        outcome = "nothing was recorded"  # a torn line is never read, and cut by the next writer
        try:
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
            try:
                write_all(fd, line)
                outcome = "the change is written but may not survive a power cut"
                os.fdatasync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            self.forget()  # read the journal afresh: it holds the line whole, in part or not
            raise self._error(
                SessionError, f"could not save ({error.strerror or error}); {outcome}"
            ) from error
        self.wrote = True
        try:
            change = self._apply(entry)
        except _Invalid as problem:  # pragma: no cover - callers check before they append
            self.forget()
            raise self._error(SessionError, f"an invalid change was written: {problem}") from None
        follow.offset += len(line)
        follow.crc = crc
        follow.read_crc = zlib.crc32(line, follow.read_crc)
        follow.mtime = -1  # our append changed it: the next sync reads the stat again
        follow.entries += 1
        return change

    def _open_journal(self) -> None:
        """Start a journal continuing the session file; mark the file as journalled first."""
        assert self._tables is not None
        if self._format_version < FORMAT_VERSION:
            # The same tables and generation; the version tells an older coherence-tui
            # (which knows no journal) to keep its hands off while answers live beside it.
            self._commit(self._tables, self._generation, version=FORMAT_VERSION)
        line, crc = journal.encode(journal.header(self._generation, self._checksum), 0)
        target = self.journal_path
        # Named like the session file's temporary files, so the same sweep removes a leftover.
        session_name = write_through_target(self.path).name
        temp = target.parent / f".{session_name}.{secrets.token_hex(_TEMP_HEX // 2)}.tmp"
        mode = PRIVATE_FILE if self._mode is None else self._mode & 0o770 | PRIVATE_FILE
        fd: int | None = None
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            write_all(fd, line)
            os.fsync(fd)
            os.replace(temp, target)
            st = os.fstat(fd)
            os.close(fd)
            fd = None
            _fsync_directory(target.parent)
        except OSError as error:
            self.forget()
            if fd is not None:
                os.close(fd)
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise self._error(
                SessionError,
                f"could not start its journal ({error.strerror or error}); nothing was recorded",
            ) from error
        self._follow = _Follow(
            st.st_dev, st.st_ino, live=True, offset=len(line), crc=crc, read_crc=zlib.crc32(line)
        )
        self.wrote = True

    def checkpoint(self, *, keep_journal: bool) -> None:
        """Fold the journal into the session file (under the lock, after ``sync(writer=True)``).

        The session file is written first, at the generation the journal brought it to;
        only then is the journal replaced by an empty one (``keep_journal``) or removed.
        Killed in between, the old journal names an older file and is ignored: nothing is
        lost and nothing counted twice.
        """
        if not self.writable:
            raise RuntimeError("DurableStorage.checkpoint outside the session lock")
        assert self._tables is not None
        entries = self.journal_entries
        version = FORMAT_VERSION if keep_journal else FORMAT_VERSION_CLOSED
        if entries == 0 and self._format_version == version:
            if not keep_journal:
                self._remove_journal()
            return
        self._commit(self._tables, self._generation + entries, version=version)
        if keep_journal:
            self._open_journal()
        else:
            self._remove_journal()

    def _remove_journal(self) -> None:
        self._follow = None
        try:
            os.unlink(self.journal_path)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # a stale journal names an older session file: readers ignore it

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
