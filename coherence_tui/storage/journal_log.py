"""The answer journal as ``DurableStorage`` follows and writes it (a mixin of it).

Following: read only the lines not read yet, check their chained CRCs, apply each
change to the cached tables (checked like the session file's tables). Writing: one
fdatasync'ed line per change under the session lock; a new journal names the session
file it continues; a checkpoint folds it into the session file first and only then
replaces or removes it (see the package docstring for why a kill between the two
steps neither loses nor counts twice).
"""

from __future__ import annotations

import os
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from coherence_tui.storage.paths import SUFFIX as SUFFIX  # re-exported: part of the store's API
from coherence_tui.storage.paths import resolve_session_path as resolve_session_path
from coherence_tui.storage.schema import (
    _LEVELS,
    _PARTICIPANTS_TABLE,
    _TEMP_HEX,
    FORMAT_VERSION,
    FORMAT_VERSION_CLOSED,
    SessionCorrupt,
    SessionError,
    _check_participant,
    _Invalid,
    _Meta,
)

if TYPE_CHECKING:
    from coherence_tui.storage.schema import SessionError


JOURNAL_CHECKPOINT = 4096
"""Journal lines after which the next writer folds them into the session file first
(the journal stays short, so opening a session replays it in milliseconds)."""

_PENDING_LIMIT = 100_000
"""Changes kept for ``SessionStore.changes`` before we say "reload" instead (nobody asked)."""

Change = Participant | Answer
"""One change, as ``SessionStore.changes`` reports it: a participant who joined or
finished (their latest form), or an answer."""


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


class JournalLog:
    """The journal half of ``DurableStorage``."""

    if TYPE_CHECKING:  # what it uses of ``DurableStorage``
        path: Path
        journal_path: Path
        writable: bool
        wrote: bool
        meta: _Meta | None
        version: int
        pending: list[Change]
        reloaded: bool
        _tables: dict[str, dict[str, Any]] | None
        _format_version: int
        _generation: int
        _checksum: int
        _mode: int | None
        _follow: _Follow | None

        def forget(self) -> None: ...
        def _error(self, cls: type[SessionError], reason: str) -> SessionError: ...
        def _commit(
            self,
            tables: dict[str, dict[str, Any]],
            generation: int,
            *,
            version: int,
            exclusive: bool = False,
        ) -> None: ...

        @property
        def journal_entries(self) -> int: ...

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
