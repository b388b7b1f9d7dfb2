"""``deltagrad exercise``: a seeded problem of the tutorial's kind, its sheet, answers file and key;
with ``--students``, one variant per student of a class."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from deltagrad.i18n import N_, _

from .common import MAX_SEED, UsageError, check_folder, count, exercise_arguments, out_argument

MAX_STUDENTS = 10_000
MAX_ROSTER_BYTES = 1024 * 1024


NAME = "exercise"
HELP = N_(
    "write a seeded backprop exercise: problem sheet, answers file and key (one per student with "
    "--students)"
)
DESCRIPTION = N_(
    "Write a variant of the tutorial's exercise: DIR/problem.html (a printable sheet), "
    "DIR/answers.json (to fill in; deltagrad check and grade read its problem), DIR/key.html "
    "and DIR/key.json (the answer key). With --students ROSTER.csv (an id column, an optional "
    "name column), one folder per student, DIR/<id>/, each with its own variant from the class "
    "seed and the id, and DIR/key.csv with every student's expected values."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad exercise``."""
    p.add_argument("--seed", type=count(0, MAX_SEED), default=None,
                   help=_("the seed (the class seed with --students); default: a fresh one, printed"))
    exercise_arguments(p)
    p.add_argument("--decimals", type=count(1, 3), default=1, help=_("digits of each weight (default: 1)"))
    p.add_argument("--students", type=Path, metavar="ROSTER.csv", help=_("one variant per student of this roster"))
    out_argument(p, "exercise", _("output folder (default: %(default)s)"))
    p.add_argument("--html", action="store_true",
                   help=_("also write DIR/practice.html, the practice page (and DIR/stepper.html)"))


def run(args: argparse.Namespace) -> int:
    from deltagrad.nn.exercise import Exercise

    check_folder("--out", args.out)
    roster = read_roster(args.students) if args.students is not None else None
    seed = args.seed if args.seed is not None else secrets.randbelow(MAX_SEED + 1)
    if args.seed is None:
        print(_("seed {seed} (pass --seed {seed} to make the same exercise again)").format(seed=seed))

    def make(variant_seed: int | str) -> Exercise:
        try:
            return Exercise.generate(variant_seed, args.sizes, args.activation, args.loss, args.decimals)
        except (TypeError, ValueError) as err:
            raise UsageError(str(err)) from None

    if roster is None:
        ex = make(seed)
        for path in write_exercise(ex, args.out, None, html=args.html):
            print(_("written: {path}").format(path=path))
        return 0
    folders = student_folders([sid for sid, _name in roster])
    made: list[tuple[str, str, str, Exercise]] = []
    for (sid, name), folder in zip(roster, folders):
        ex = make(f"{seed}/{sid}")  # the class seed and the id: adding a student changes nobody else's
        write_exercise(ex, args.out / folder, sid, key=False, name=name, html=args.html)
        made.append((sid, name, folder, ex))
    key = write_key_csv(made, args.out / "key.csv")
    print(_("{n} exercises written to {out}, one folder per student; the key: {key}").format(
        n=len(made), out=args.out, key=key))
    return 0


def write_exercise(ex: Any, folder: Path, student: str | None, *, key: bool = True, name: str = "",
                   html: bool = False) -> list[Path]:
    """problem.html and answers.json in ``folder`` (with ``key``: key.html and key.json; with
    ``html``: practice.html and stepper.html); the paths written."""
    from deltagrad.autograd.files import atomic_write
    from deltagrad.nn.exercise import answers_file
    from deltagrad.viz import sheet

    folder.mkdir(parents=True, exist_ok=True)
    shown = f"{name} ({student})" if name and student else (student or None)
    written = [sheet.problem_sheet(ex, student=shown).save(folder / "problem.html"),
               atomic_write(folder / "answers.json", _json(answers_file(ex, student)))]
    if key:
        written.append(sheet.key_sheet(ex, student=shown).save(folder / "key.html"))
        written.append(atomic_write(folder / "key.json", _json(sheet.key_data(ex))))
    if html:
        from .practice import write_practice

        written.append(write_practice(ex, folder, student))
    return written


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def read_roster(path: Path) -> list[tuple[str, str]]:
    """(id, name) per student of a roster CSV with an ``id`` column and an optional ``name``:
    UsageError naming the file for a missing column, an empty or duplicate id (each named)."""
    from deltagrad.autograd.files import read_text

    try:
        text = read_text(path, MAX_ROSTER_BYTES, _("roster"))
    except (OSError, ValueError) as err:
        raise UsageError(_("cannot read --students {path}: {reason}").format(path=path, reason=err)) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as err:
        raise UsageError(_("--students {path} is not a CSV file: {reason}").format(path=path, reason=err)) from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise UsageError(_("--students {path} is empty; it needs an id column").format(path=path))
    header = [cell.strip().lower() for cell in rows[0]]
    if "id" not in header:
        raise UsageError(_("--students {path} has no id column (its columns: {columns})").format(
            path=path, columns=", ".join(header)))
    at_id, at_name = header.index("id"), header.index("name") if "name" in header else None
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        sid = row[at_id].strip() if at_id < len(row) else ""
        if not sid:
            raise UsageError(_("--students {path}: row {line} has no id").format(path=path, line=line))
        if sid in seen:
            duplicates.append(sid)
        seen.setdefault(sid, line)
        name = row[at_name].strip() if at_name is not None and at_name < len(row) else ""
        out.append((sid, name))
    if duplicates:
        raise UsageError(_("--students {path}: duplicate id {ids}; each student needs an id of their own").format(
            path=path, ids=", ".join(repr(d) for d in dict.fromkeys(duplicates))))
    if len(out) > MAX_STUDENTS:
        raise UsageError(_("--students {path} lists {n} students, more than {most}").format(
            path=path, n=len(out), most=MAX_STUDENTS))
    if not out:
        raise UsageError(_("--students {path} lists no student").format(path=path))
    return out


def safe_folder(sid: str) -> str:
    """A folder name for a student id that can never leave the output folder: letters (any
    script), digits, ``-``, ``_`` and ``.`` kept, anything else ``_``; an id that had to change
    gets a short hash of itself, so that two ids never share a folder."""
    name = unicodedata.normalize("NFC", sid)
    safe = re.sub(r"[^\w.-]", "_", name).strip("._")[:60] or "student"
    if safe != sid:
        safe += "-" + hashlib.sha256(sid.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return safe


def student_folders(ids: list[str]) -> list[str]:
    """`safe_folder` of each id; folders compared without case (for case-insensitive disks) stay distinct."""
    folders = [safe_folder(sid) for sid in ids]
    lowered: dict[str, str] = {}
    for sid, folder in zip(ids, folders):
        other = lowered.setdefault(folder.lower(), sid)
        if other != sid:
            raise UsageError(_("the ids {a!r} and {b!r} would share the folder {folder}; rename one").format(
                a=other, b=sid, folder=folder))
    return folders


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (an id such as ``=1+1``)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_key_csv(made: list[tuple[str, str, str, Any]], path: Path) -> Path:
    """key.csv: one row per student (id, name, folder, exercise id) and every expected value."""
    from deltagrad.autograd.files import atomic_write

    columns = [f"{s}/{n}" for s, n in made[0][3].questions()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "name", "folder", "exercise", *columns])
    for sid, name, folder, ex in made:
        expected = ex.expected()
        writer.writerow([csv_cell(sid), csv_cell(name), folder, ex.id,
                         *(repr(expected[c.split("/", 1)[0]][c.split("/", 1)[1]]) for c in columns)])
    return atomic_write(path, buffer.getvalue().encode("utf-8"))
