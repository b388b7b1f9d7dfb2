"""The class summary as a picture: which slips the class made, and how often."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from deltagrad.autograd.files import atomic_write
from deltagrad.i18n import _

from .plot import PlotUnavailableError, _pyplot, lay_out

__all__ = ["PlotUnavailableError", "mistakes_chart"]


def mistakes_chart(summary: Mapping[str, Mapping[str, Any]], students: int, path: str | os.PathLike[str]) -> Path:
    """A bar per diagnosis code (``summary`` as `deltagrad grade` makes it: code ->
    ``{"students": n, "first_at": name}``), the share of the ``students`` who made it,
    written as PNG to ``path``."""
    plt = _pyplot()
    codes = list(summary)
    counts = [int(summary[c]["students"]) for c in codes]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * max(len(codes), 2) + 1.4), dpi=120)
    try:
        if codes:
            bars = ax.barh(range(len(codes)), counts, color="#d73027")
            ax.set_yticks(range(len(codes)), [f"{c}\n" + _("first at {at}").format(at=summary[c]["first_at"])
                                              for c in codes], fontsize=8)
            ax.invert_yaxis()
            for bar, k in zip(bars, counts):
                ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {k}", va="center", fontsize=8)
        else:
            ax.text(0.5, 0.5, _("no slips"), ha="center", va="center", transform=ax.transAxes)
            ax.set_yticks([])
        ax.set_xlim(0, max(students, 1))
        ax.set_xlabel(_("students (of {n})").format(n=students))
        ax.set_title(_("Slips the class made"))
        lay_out(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(target, buffer.getvalue())
