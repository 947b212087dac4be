"""Storage: session files (TinyDB on a durable, locked, checksummed storage of our own),
questionnaire files, CSV imports. Below everything but ``domain``: no Textual here.

The modules:

- ``store``: ``SessionStore``, the API the live session, the screens and the command
  line are built against (keep its names and signatures); ``plan_tables`` (estimates,
  actions, archive) and ``imports`` (answers from elsewhere) are parts of it.
- ``durable``: ``DurableStorage``, the session file and its journal on disk.
- ``schema``: the layout, the limits, the errors, and the checks of every table;
  ``head``: the session head checked in plain Python (no pydantic on a kiosk's start);
  ``journal``: the journal's line format.
- ``fileio``, ``paths``: private atomic writes, session paths; ``pinlock``: the PIN
  lock-out beside a session; ``answerfile``: CSV answer files; ``questionnaires``:
  questionnaire files (shipped and your own).

File layout (one JSON document, written atomically)::

    {"format": "coherence-tui-session", "format_version": 1, "generation": 17,
     "checksum": "crc32:0a1b2c3d", "tables": { ...TinyDB tables... }}

TinyDB tables:
- ``session``: one document {"name", "created_at", "questionnaire": {...frozen copy...},
  "settings": {...SessionSettings...}, "state": {...SessionState...}}
- ``participants``: one document per participant
  {"code", "level", "department", "created_at", "finished_at": str|null,
  "answers": {ITEM_ID: [value|null, answered_at]}}
  (latest answer per item wins, so the table stays small: one document per person).
- ``predictions`` (optional, the prediction round): one document per predicting
  participant, under that participant's document id: {"code", "estimates": {ITEM_ID:
  0..100|null}} (``predict`` statements only; board and management only).
- ``actions`` (optional, the action plan): one document per action, under its number:
  {"id": "A3", "item"|"area", "what", "owner", "first_step", "first_step_due",
  "kpi", "review", "recorded"} (``domain.plan.Action``); refused once archived.

While a workshop runs, the participants' changes (a participant joins, answers,
finishes) are not written into that document one by one: each is one line appended
to the **answer journal** ``NAME.json.journal`` beside it and fsync'ed (format in
``coherence_tui.storage.journal``). The journal is folded into the document (a
*checkpoint*) when it reaches ``JOURNAL_CHECKPOINT`` lines, by every other write of
the document (settings, state, imports), and by ``close``, which leaves one TinyDB
file and no journal. ``format_version`` is 2 while a journal may be live beside the
file (an older coherence-tui, which knows no journal, refuses such a file instead of
overwriting answers it cannot see) and 1 for a closed file.

How the files are kept trustworthy:

- **Atomic, durable writes.** A document write serialises the tables once with
  orjson, writes ``.NAME.json.<random>.tmp`` in the same directory, fsyncs it,
  ``os.replace``-s it over the session file and fsyncs the directory. At no
  instant does the session path hold a partial file. A journal line is written
  with one ``write`` and ``fdatasync``-ed before the call returns; a line cut
  short by a crash has no newline, is never read and is cut off by the next
  writer. A failed write drops the in-memory copy and raises ``SessionError``;
  a failed fsync is never retried.
- **Checkpoints that survive kill -9.** A checkpoint writes the new document (at
  the generation the journal brought it to) first, and only then replaces the
  journal with an empty one or removes it. The journal's header names the
  generation and checksum of the document it continues; a journal whose header
  names another document was folded in already and is ignored, so a kill between
  the two steps neither loses nor counts twice.
- **Respectful of the file system.** New files (and every temporary file) are
  owner-only (0600); a rewrite keeps the owner and group bits but drops the
  others' (the journal takes the document's). A read-only session file is never
  rewritten and its journal never appended to (a rename would replace even a
  0444 file): ``check_writable`` refuses first. A session reached through a
  symbolic link is written through to its target, whose directory also holds the
  lock and the journal, so the link and the real path share them.
- **Checksummed.** The header keys are written before ``"tables"``, so a reader
  can take the exact bytes of the tables and check their CRC-32 without
  re-serialising; every journal line carries a CRC-32 chained from the line
  before. A truncated, damaged or hand-edited file or journal is refused
  (``SessionCorrupt``), one from a newer coherence-tui too (``SessionTooNew``);
  a refused file is never written to.
- **Several processes.** Every change takes a ``filelock`` lock on the sidecar
  ``NAME.json.lock`` (the data file's inode changes at every replace), catches up
  with what other processes wrote (a changed document is loaded again; of the
  journal only the lines not yet read), checks the change and writes it. Readers
  never take the lock: they see the old or the new document, and of the journal
  only complete lines. ``generation`` (the document's plus the journal's lines)
  grows by one at every change; ``changes()`` hands a follower exactly the new ones.
- **Anonymous by construction.** Participant codes are random; document ids are
  random too and the participants table is kept in document-id order, so neither
  the codes nor the layout of the file tell who arrived first. ``snapshot``
  orders everything by participant code and item. (The journal, like the
  timestamps in the file, follows the order of the workshop while it runs, for
  the facilitator's audit; it is folded away on close, and exports leave both out.)
- **Work per answer that does not grow with the session.** An answer is one
  journal line (about 0.2 ms with its fdatasync); a process following the session
  reads only the lines it has not seen. Only a checkpoint costs a whole document
  write (about 2 ms at 10,000 answers), once per ``JOURNAL_CHECKPOINT`` changes.
"""
