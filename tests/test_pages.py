"""viz.pages: assets from the package, data embedded safely, the page object; the pages'
JavaScript unit tests (node --test tests/js)."""

from __future__ import annotations

import json
import math
import random
import re
import struct
from pathlib import Path

import pytest

from deltagrad.autograd.text import significant
from deltagrad.i18n import using_language
from deltagrad.viz import pages
from tests.jsrun import ROOT, run_node


def test_the_javascript_unit_tests_pass() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    assert files, "no JavaScript tests found"
    done = run_node("--test", *files)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"^# pass [1-9]", done.stdout, re.M) and re.search(r"^# fail 0$", done.stdout, re.M), \
        done.stdout[-2000:]


def _random_floats(n: int, seed: int = 21) -> list[float]:
    """Doubles from every corner: random bit patterns, short decimals and exact ties."""
    rng = random.Random(seed)
    out: list[float] = []
    while len(out) < n:
        kind = len(out) % 4
        if kind == 0:  # any finite double
            x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            if not math.isfinite(x):
                continue
        elif kind == 1:  # a number of the size the pages show
            x = rng.uniform(-1, 1) * 10.0 ** rng.randint(-8, 8)
        elif kind == 2:  # a short decimal: many sit near a rounding tie
            x = round(rng.uniform(-10000, 10000), rng.randint(0, 4))
        else:  # an exact tie at 4 digits (1234.5, 0.03125 ...)
            x = (rng.randint(1000, 9999) + 0.5) * 2.0 ** rng.randint(-12, 0) * rng.choice([1, -1])
        out.append(x)
    return out


def test_the_page_formats_numbers_as_python_does_on_10000_floats() -> None:
    xs = _random_floats(10_000)
    script = ("const c = require('./src/deltagrad/viz/page/common.js');"
              "let s = ''; process.stdin.on('data', d => s += d);"
              "process.stdin.on('end', () => { const q = JSON.parse(s);"
              "console.log(JSON.stringify(q.xs.map(x => q.digits.map(d => c.significant(x, d))))); });")
    digits = [1, 3, 4, 6, 12, 17]
    done = run_node("-e", script, stdin=json.dumps({"xs": xs, "digits": digits}))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert [(x, d) for x, row in zip(xs, shown) for d, text in zip(digits, row) if text != significant(x, d)] == []
    assert shown[0] and significant(1234.5, 4) == "1234"


def test_script_json_cannot_end_the_script_and_carries_nonfinite_numbers() -> None:
    data = {"label": "</script><script>alert(1)</script>&<!--", "sep": "a\u2028b\u2029c",
            "lone": "\ud800x\udfff", "values": [float("inf"), float("-inf"), float("nan"), -0.0, 1.5],
            "nested": {"t": (float("inf"),)}}
    text = pages.script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert "NaN" not in text and "Infinity" not in text
    text.encode("utf-8")  # lone surrogates are escapes, so the page can be written
    back = json.loads(text)
    assert back["label"] == data["label"] and back["sep"] == data["sep"] and back["lone"] == data["lone"]
    assert back["values"][:3] == [{"$float": "inf"}, {"$float": "-inf"}, {"$float": "nan"}]
    assert back["values"][3:] == [-0.0, 1.5] and math.copysign(1, back["values"][3]) == -1
    assert back["nested"] == {"t": [{"$float": "inf"}]}


def test_the_decoder_in_node_restores_what_python_embedded() -> None:
    element = pages.data_script({"x": [float("inf"), float("-inf"), float("nan"), 2.0], "s": "</script>"})
    body = element[element.index(">") + 1: element.rindex("</script>")]
    script = ("const c = require('./src/deltagrad/viz/page/common.js');"
              "let s = ''; process.stdin.on('data', d => s += d);"
              "process.stdin.on('end', () => { const v = c.decode(s);"
              "console.log([String(v.x[0]), String(v.x[1]), String(v.x[2]), v.x[3], v.s,"
              " v.x.map(x => c.significant(x, 4)).join(' ')].join('|')); });")
    done = run_node("-e", script, stdin=body)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Infinity|-Infinity|NaN|2|</script>|inf -inf nan 2"


def test_asset_fill_and_inline() -> None:
    assert "significant" in pages.asset("common.js")
    with pytest.raises(ValueError, match="file name"):
        pages.asset("../dot.py")
    assert pages.fill("<p>{{a}}</p>{{b}}", a="{{b}}", b="x") == "<p>{{b}}</p>x"  # one pass
    with pytest.raises(ValueError, match="no part was given for it"):
        pages.fill("{{a}}{{b}}", a="1")
    with pytest.raises(ValueError, match="no marker for c"):
        pages.fill("{{a}}", a="1", c="2")
    script = pages.inline_script("common.js")
    assert script.startswith("<script>") and script.count("</script>") == 1
    assert pages.svg_body('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="1"></svg>') == '<svg width="1"></svg>'
    with pytest.raises(ValueError, match="not an SVG"):
        pages.svg_body("<html></html>")


def test_one_head_around_each_pages_own_body() -> None:
    sheet = dict.fromkeys(("heading", "who", "exercise_id", "intro", "picture", "data_title", "data", "rules_title",
                           "rules", "quantities"), "")
    with using_language("ru"):
        html = pages.page("sheet.html", title="a<b", style="<style></style>", **sheet)
    assert html.startswith('<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
                           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                           '<title>a&lt;b</title>\n<style></style>\n</head>\n<body>\n<main class="sheet">')
    assert html.endswith("</main>\n</body>\n</html>\n") and "Security-Policy" not in html
    locked = pages.page("sheet.html", title="t", style="", head=pages.asset("policy.html"), **sheet)
    assert ('initial-scale=1">\n<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:\">\n<title>t</title>") in locked
    with pytest.raises(ValueError, match="no part was given for it"):
        pages.page("sheet.html", title="t", style="")


def test_page_saves_atomically_and_shows_in_a_sandboxed_iframe(tmp_path: Path) -> None:
    page = pages.Page('<p title="a&b">x</p>')
    path = page.save(tmp_path / "sub" / "page.html")
    assert path.read_text(encoding="utf-8") == page.html
    shown = page._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;p title=&quot;a&amp;b&quot;&gt;x&lt;/p&gt;"')
    assert 'sandbox="allow-scripts"' in shown and "allow-same-origin" not in shown
    with pytest.raises(TypeError, match="HTML text"):
        pages.Page(b"<p>")  # type: ignore[arg-type]
