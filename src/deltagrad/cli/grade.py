"""``deltagrad grade``: grade a class's answer files, one row each, and say what the class got wrong."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deltagrad.i18n import N_, _, localize_number

from .common import UsageError, bounded, check_folder, count, load_weights, number, positive
from .exercise import csv_cell

SECTIONS = ("forward", "deltas", "gradients", "updated")
COLUMNS = ("id", "file", "status", *SECTIONS, "total", "first_mistake", "code")
MAX_FILES = 100_000


NAME = "grade"
HELP = N_("grade a class: every answers file gets a row, and the summary says which slips the class made")
DESCRIPTION = N_(
    "Grade answer files (files, and folders searched recursively for *.json) against the "
    "problem each one carries (or --weights, --x, --y and --lr for plain files). Exit status: 0 "
    "when every file was read, even with wrong answers; 1 when some file was unreadable; 2 for "
    "bad arguments."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad grade``."""
    from deltagrad.autograd.grading import MAX_SIG

    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=_("answer files and folders"))
    p.add_argument("--csv", type=Path, metavar="FILE.csv", help=_("write one row per file to this CSV"))
    p.add_argument("--json", type=Path, metavar="FILE.json",
                   help=_("write the report (policy, rows with every verdict, summary) as JSON"))
    p.add_argument("--summary", action="store_true", help=_("print which slips the class made and how often"))
    p.add_argument("--plot", type=Path, metavar="DIR", help=_("draw the summary as DIR/mistakes.png"))
    p.add_argument("--sig", type=count(1, MAX_SIG), default=None,
                   help=_("significant figures an answer must match (default: the exercise's, 3)"))
    p.add_argument("--follows-credit", type=bounded(0.0, 1.0), default=0.5, metavar="F",
                   help=_("credit from 0 to 1 for an answer wrong only because an earlier one was (default: 0.5)"))
    p.add_argument("--weights", type=Path, metavar="FILE.json", help=_("the model, for plain answer files"))
    p.add_argument("--x", type=number, nargs="+", metavar="X", help=_("the input, for plain answer files"))
    p.add_argument("--y", type=number, nargs="+", metavar="Y", help=_("the target, for plain answer files"))
    p.add_argument("--lr", type=positive, default=None, help=_("the learning rate, for plain answer files"))


@dataclass
class Row:
    """One file's grade."""

    id: str
    file: str
    status: str
    scores: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None
    first_mistake: str = ""
    code: str = ""
    answers: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    codes: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (place, answer) where it came first

    def cells(self) -> list[str]:
        def pct(v: float | None) -> str:
            return "" if v is None else f"{v:.1f}"

        return [csv_cell(self.id), csv_cell(self.file), self.status, *(pct(self.scores.get(s)) for s in SECTIONS),
                pct(self.total), self.first_mistake, self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "status": self.status,
                **{s: self.scores.get(s) for s in SECTIONS}, "total": self.total,
                "first_mistake": self.first_mistake or None, "code": self.code or None,
                "answers": self.answers, "missing": self.missing}


def run(args: argparse.Namespace) -> int:
    files = answer_files(args.paths)
    if args.weights is not None and (args.x is None or args.y is None):
        raise UsageError(_("--weights needs --x and --y (the input and target for that network)"))
    for option, path in (("--csv", args.csv), ("--json", args.json)):
        if path is not None:  # checked before the grading, so that nothing is graded in vain
            _check_output(option, path)
    if args.plot is not None:
        check_folder("--plot", args.plot)
    plain = _plain_problem(args)
    rows = [grade_file(path, args, plain) for path in files]
    graded = [r for r in rows if r.status == "graded"]
    summary = class_summary(graded)
    policy = {"sig": args.sig, "sig_from": "option" if args.sig is not None else "exercise",
              "follows_credit": args.follows_credit, "missing": 0.0, "revealed": 0.0, "unreadable": 0.0}
    print(format_table(rows))
    if args.summary:
        print()
        print(format_summary(summary, len(graded)))
    if args.csv is not None:
        _write(args.csv, _csv(rows))
        print(_("written: {path}").format(path=args.csv))
    if args.json is not None:
        report = {"policy": policy, "rows": [r.to_dict() for r in rows], "summary": summary}
        _write(args.json, (json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode())
        print(_("written: {path}").format(path=args.json))
    if args.plot is not None:
        from deltagrad.viz import grades

        try:
            print(_("written: {path}").format(path=grades.mistakes_chart(summary, len(graded),
                                                                         args.plot / "mistakes.png")))
        except grades.PlotUnavailableError as err:
            print(_("no plot: {reason}").format(reason=err))
    return 0 if len(graded) == len(rows) else 1


def _check_output(option: str, path: Path) -> None:
    from deltagrad.autograd.files import check_writable

    if path.is_dir():
        raise UsageError(_("{option} {path} is a folder; give a file name").format(option=option, path=path))
    check_folder(option, path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_writable(path)
    except (OSError, ValueError) as err:
        raise UsageError(_("{option} {path}: {reason}").format(option=option, path=path, reason=err)) from None


def _write(path: Path, data: bytes) -> None:
    from deltagrad.autograd.files import atomic_write

    try:
        atomic_write(path, data)
    except (OSError, ValueError) as err:
        raise UsageError(_("cannot write {path}: {reason}").format(path=path, reason=err)) from None


def answer_files(paths: list[Path]) -> list[Path]:
    """Each path, and every ``*.json`` under each folder (symlinked folders are not followed),
    in a stable order; UsageError for a path that does not exist or when nothing is found."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = []
            for folder, dirs, names in os.walk(path, followlinks=False):
                dirs.sort()
                found += [Path(folder) / n for n in sorted(names) if n.lower().endswith(".json")]
            out += found
        elif path.exists() or path.is_symlink():
            out.append(path)
        else:
            raise UsageError(_("no such file or folder: {path}").format(path=path))
        if len(out) > MAX_FILES:
            raise UsageError(_("more than {n} answer files; grade the class in parts").format(n=MAX_FILES))
    if not out:
        raise UsageError(_("no answer files (*.json) found in {paths}").format(paths=", ".join(map(str, paths))))
    return list(dict.fromkeys(out))


def _plain_problem(args: argparse.Namespace) -> Any:
    """The model, x, y and lr given for plain answer files, or None."""
    if args.weights is None:
        return None
    model = load_weights(args.weights)
    if len(args.x) != model.sizes[0] or len(args.y) != model.sizes[-1]:
        raise UsageError(_("--x needs {nx} values and --y {ny} for that network").format(
            nx=model.sizes[0], ny=model.sizes[-1]))
    return model, list(args.x), list(args.y), args.lr


def grade_file(path: Path, args: argparse.Namespace, plain: Any) -> Row:
    """One file's row: ``graded``, or ``unreadable: <reason>``; never raises for a bad file."""
    from deltagrad import nn
    from deltagrad.nn.exercise import read_answers

    shown = str(path)
    try:
        parsed = read_answers(path)
    except (OSError, ValueError) as err:
        return Row(path.stem, shown, _("unreadable: {reason}").format(reason=_one_line(err, shown)))
    sid = parsed.student if parsed.student else path.stem
    sig = args.sig
    try:
        if parsed.problem is not None:
            ex = parsed.problem
            report = ex.check(parsed.answers, revealed=parsed.revealed, strict=False,
                              **({"sig": sig} if sig is not None else {}))
            order = ex.questions()
        elif plain is not None:
            model, x, y, lr = plain
            report = nn.check_answers(model, x, y, parsed.answers, lr=lr, sig=sig if sig is not None else 3,
                                      revealed=parsed.revealed, strict=False)
            order = nn.check.questions(model, lr)
        else:
            return Row(sid, shown, _("unreadable: no embedded problem; grade plain answer files with --weights, "
                                     "--x, --y and --lr"))
    except (TypeError, ValueError) as err:
        return Row(sid, shown, _("unreadable: {reason}").format(reason=_one_line(err)))
    return _score(sid, shown, report, order, args.follows_credit)


def _one_line(err: BaseException, path: str = "") -> str:
    text = " ".join(str(err).split())
    for prefix in (f"{path}: ", f"{path} "):
        if path and text.startswith(prefix):
            text = text[len(prefix):]
    return text


def _score(sid: str, shown: str, report: Any, order: list[tuple[str, str]], credit: float) -> Row:
    by_key = {(r.section, r.name): r for r in report.rows}
    points = {"ok": 1.0, "follows": credit}
    row = Row(sid, shown, "graded")
    total_points, total_n = 0.0, 0
    for section in SECTIONS:
        keys = [k for k in order if k[0] == section]
        if not keys:
            row.scores[section] = None
            continue
        got = sum(points.get(by_key[k].verdict, 0.0) for k in keys if k in by_key)
        row.scores[section] = 100.0 * got / len(keys)
        total_points += got
        total_n += len(keys)
    row.total = 100.0 * total_points / total_n if total_n else None
    for place, (section, name) in enumerate(order):
        r = by_key.get((section, name))
        if r is None:
            row.missing.append(f"{section}/{name}")
            row.answers.append({"section": section, "name": name, "verdict": "missing", "code": None})
            continue
        row.answers.append(r.to_dict())
        if r.verdict == "wrong" and r.diagnosis:
            row.codes.setdefault(r.diagnosis, (place, r.name))
        if r.verdict in ("wrong", "revealed") and not row.first_mistake:
            row.first_mistake = r.name
            row.code = r.diagnosis or ("revealed" if r.verdict == "revealed" else "")
    return row


def class_summary(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """Diagnosis code -> ``{"students": n, "first_at": name}``: how many students made the
    slip, and the earliest answer (in the tutorial's order) where any of them made it; the
    commonest slip first."""
    counts: dict[str, int] = {}
    first: dict[str, tuple[int, str]] = {}
    for row in rows:
        for code, at in row.codes.items():
            counts[code] = counts.get(code, 0) + 1
            first[code] = min(first.get(code, at), at)
    order = sorted(counts, key=lambda c: (-counts[c], first[c][0], c))
    return {code: {"students": counts[code], "first_at": first[code][1]} for code in order}


def format_summary(summary: dict[str, dict[str, Any]], n: int) -> str:
    """One line per slip: ``missing-activation-derivative: 12 of 30 students, first at delta1[0]``."""
    if not summary:
        return _("No slips: every graded answer is right or missing.")
    return "\n".join(_("{code}: {k} of {n} students, first at {at}").format(
        code=code, k=v["students"], n=n, at=v["first_at"]) for code, v in summary.items())


def format_table(rows: list[Row]) -> str:
    """The rows as a text table (id, status, the scores, the first mistake), then why each
    unreadable file is."""
    from deltagrad.autograd.text import format_table as table

    def pct(v: float | None) -> str:  # 100.0; in Russian 100,0 (the CSV and JSON keep the point: they are data)
        return "" if v is None else localize_number(f"{v:.1f}")

    body = [[r.id, r.status.split(":")[0], *(pct(r.scores.get(s)) for s in SECTIONS), pct(r.total),
             r.first_mistake, r.code] for r in rows]
    lines = [table(["id", "status", *COLUMNS[3:]], body)]
    lines += [f"{r.file}: {r.status}" for r in rows if r.status != "graded"]
    return "\n".join(lines)


def _csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(r.cells())
    return buffer.getvalue().encode("utf-8")
