"""Commands that read or write session files without opening the app: ``report``,
``export``, ``import``, ``archive``, ``questionnaires``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coherence_tui.cli.common import (
    UserError,
    open_store,
    sessions_dir,
)

if TYPE_CHECKING:
    from coherence_tui.domain.compare import Comparison


def _compare_text(comparison: Comparison, lang: str | None) -> str:
    """The comparison as a plain table: change per group and factor with its interval."""
    from coherence_tui.domain.compare import COMPARED_GROUPS
    from coherence_tui.domain.model import FACTORS
    from coherence_tui.i18n import interface_language
    from coherence_tui.output.textreport import FACTOR_LABELS, gap_text, signed
    from coherence_tui.output.words import group_label

    lang = interface_language(lang)
    labels = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    lines = [
        f"Change from {comparison.earlier} to {comparison.session} "
        "(now - then, 90 % interval; - where either workshop hides the figure)",
        f"{'Group':<16}" + "".join(f"{labels[f]:>22}" for f in FACTORS) + f"{'Overall':>10}",
    ]
    for group in COMPARED_GROUPS:
        cells = []
        for change in comparison.changes:
            if change.group == group:
                cells.append(f"{gap_text(change.change, change.ci90):>22}")
        overall = signed(comparison.overall.get(group))
        lines.append(f"{group_label(group, lang):<16}" + "".join(cells) + f"{overall:>10}")
    return "\n".join(lines) + "\n"


def cmd_report(args: argparse.Namespace) -> int:
    import orjson

    from coherence_tui.services.insights import snapshot_report

    snapshot = open_store(args).snapshot()
    if getattr(args, "compare", None):
        from coherence_tui.services.insights import compare_snapshots
        from coherence_tui.storage.store import SessionStore, resolve_session_path

        earlier = SessionStore.open(resolve_session_path(args.compare, sessions_dir(args)))
        comparison = compare_snapshots(snapshot, earlier.snapshot(), lang=args.lang)
        if args.json:
            document = {"format": 1, "compare": comparison.to_json()}
            sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            sys.stdout.write(_compare_text(comparison, args.lang))
        return 0
    report = snapshot_report(snapshot, lang=args.lang)
    if args.json:
        sys.stdout.write(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    from coherence_tui.output.richreport import print_report

    print_report(snapshot, report, lang=args.lang)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coherence_tui.output.export import render
    from coherence_tui.storage.fileio import write_private

    snapshot = open_store(args).snapshot()
    if args.identifiable and args.format in ("json", "csv"):  # the others hold no raw rows
        print(
            "coherence-tui: warning: --identifiable keeps every department in the raw rows, "
            "also where fewer than k people share a level and department: they can be "
            "recognised; keep the file private",
            file=sys.stderr,
        )
    text = render(
        snapshot,
        args.format,
        timestamps=args.timestamps,
        lang=args.lang,
        identifiable=args.identifiable,
    )
    if args.output:
        out = Path(args.output)
        try:
            write_private(out, text.encode("utf-8"))
        except OSError as error:
            raise UserError(
                f"{out}: cannot write ({error.strerror or error}); no file was written or changed"
            ) from None
        print(out, file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from coherence_tui.i18n.plural import render
    from coherence_tui.storage.answerfile import read_answer_csv

    store = open_store(args)
    snapshot = store.snapshot()
    source = Path(args.file)
    # Read and checked in full (size and row limits included) before the session is locked.
    rows = read_answer_csv(source, snapshot.questionnaire, snapshot.settings)
    added = store.import_answers(rows, merge=args.merge, source=source)
    people = len({row.participant for row in rows})
    print(
        render(
            "imported {added:answers} from {people:participants} into {path}",
            "en",
            added=added,
            people=people,
            path=store.path,
        )
    )
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    store = open_store(args)
    store.archive()
    print(f"archived {store.path}: its action plan can no longer change")
    return 0


def cmd_questionnaires(args: argparse.Namespace) -> int:
    from coherence_tui.storage.questionnaires import list_shipped, load_file

    if args.action == "validate":
        if not args.file:
            raise UserError("questionnaires validate: give the FILE to validate")
        q = load_file(Path(args.file))
        print(f"ok: {args.file}: {q.id} v{q.version} ({q.language}, {len(q.items)} items)")
        return 0
    if args.action:
        raise UserError(f"questionnaires: unknown action {args.action!r} (expected validate)")
    for q in list_shipped():
        print(f"{q.id:<24} {q.language}  {len(q.items):>3} items  {q.title}")
    return 0
