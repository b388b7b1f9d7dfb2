"""deltagrad.i18n and the catalogs: the language's choice, one-call overrides, decimal
commas, and a Russian catalog that is complete, current and true to its placeholders."""

from __future__ import annotations

import io
import re
import string
from collections.abc import Iterator

import pytest

from deltagrad import i18n
from deltagrad.autograd.text import fixed, significant
from tests.catalog import MO, PO, babel, extracted, pending, russian, translated, wait_or_fail

# --- the catalog -------------------------------------------------------------------------


def test_every_message_has_a_russian_translation() -> None:
    missing = sorted(pending())
    wait_or_fail([f"{m!r} ({extracted()[m].where})" for m in missing], "messages without a Russian msgstr")


def test_the_catalog_holds_no_unused_message() -> None:
    source = extracted()
    unused = sorted(m.id for m in russian() if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in source)
    wait_or_fail([repr(m) for m in unused], "msgids in the Russian catalog that no code uses any more")


def test_plural_messages_have_all_three_russian_forms() -> None:
    catalog = russian()
    assert catalog.num_plurals == 3
    for message in extracted().values():
        entry = catalog.get(message.id)
        if message.plural is not None and entry is not None and translated(entry):
            assert isinstance(entry.string, tuple) and len(entry.string) == 3, message.id


def _fields(text: str) -> list[str]:
    """The placeholders of a text: ``{name}`` fields and ``%(name)s``/``%s`` conversions."""
    braces = sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)
    percents = sorted(re.findall(r"%(?:\(\w+\))?[sdrf]", text))
    return braces + percents


def test_translations_keep_every_placeholder() -> None:
    """A translation that drops or renames ``{name}`` would raise KeyError at run time."""
    for entry in russian():
        if not entry.id or not translated(entry):
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            assert _fields(text) == _fields(ids[-1]) or _fields(text) == _fields(ids[0]), (entry.id, text)


def test_babel_finds_no_error_in_the_catalog() -> None:
    """What `pybabel compile` checks (format placeholders, plural forms), as a test."""
    problems = [f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in russian().check()]
    assert not problems, problems


def _key(text: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return text if isinstance(text, str) else tuple(text)


def test_the_compiled_catalog_is_the_po_file() -> None:
    """The committed .mo says what the .po says (`make translations` compiles it)."""
    mofile = babel().messages.mofile
    with MO.open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in mofile.read_mo(f) if m.id}
    source = {_key(m.id): _key(m.string) for m in russian() if m.id and translated(m)}
    assert compiled == source, "the .mo is stale: run `make translations`"


def test_the_po_file_is_as_make_translations_writes_it() -> None:
    """Sorted, unwrapped, without source locations: a re-run of `make translations` that
    adds nothing changes nothing, so a diff of the .po shows only real changes."""
    pofile = babel().messages.pofile
    buffer = io.BytesIO()
    pofile.write_po(buffer, russian(), width=None, no_location=True, sort_output=True, ignore_obsolete=True)
    assert buffer.getvalue().decode() == PO.read_text(encoding="utf-8")


# --- choosing the language --------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("DELTAGRAD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    i18n.set_language(None)
    yield monkeypatch
    monkeypatch.delenv("DELTAGRAD_LANG", raising=False)
    i18n.set_language(None)


def test_the_environment_chooses_in_order(clean_env: pytest.MonkeyPatch) -> None:
    assert i18n.get_language() == "en"
    clean_env.setenv("LANG", "ru_RU.UTF-8")
    assert i18n.get_language() == "ru"
    clean_env.setenv("LC_MESSAGES", "en_US.UTF-8")
    assert i18n.get_language() == "en"
    clean_env.setenv("LC_ALL", "ru_RU.UTF-8")
    assert i18n.get_language() == "ru"
    clean_env.setenv("DELTAGRAD_LANG", "en")
    assert i18n.get_language() == "en"
    clean_env.setenv("LC_ALL", "de_DE.UTF-8")  # a language deltagrad does not speak: English
    clean_env.delenv("DELTAGRAD_LANG")
    assert i18n.get_language() == "en"


def test_a_bad_deltagrad_lang_is_a_value_error_naming_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DELTAGRAD_LANG", "fr")
    with pytest.raises(ValueError, match=r"DELTAGRAD_LANG='fr' .*en, ru"):
        i18n.get_language()


def test_set_language_wins_over_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LANG", "en_US.UTF-8")
    assert i18n.set_language("ru") == "ru"
    assert i18n._("options") == "параметры"
    assert i18n.set_language("RU_ru.utf-8") == "ru"
    assert i18n.set_language(None) == "en"
    assert i18n._("options") == "options"


def test_unknown_languages_are_refused_with_the_choices(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"unknown language 'de'; deltagrad speaks en, ru"):
        i18n.set_language("de")
    with pytest.raises(TypeError, match="got int: 7"):
        i18n.set_language(7)  # type: ignore[arg-type]
    assert i18n.get_language() == "en"  # nothing changed


def test_using_language_holds_for_the_block_only(clean_env: pytest.MonkeyPatch) -> None:
    with i18n.using_language("ru") as lang:
        assert lang == "ru" and i18n._("options") == "параметры"
        with i18n.using_language(None):
            assert i18n.get_language() == "ru"
        with i18n.using_language("en"):
            assert i18n._("options") == "options"
    assert i18n.get_language() == "en"
    with pytest.raises(RuntimeError), i18n.using_language("ru"):
        raise RuntimeError
    assert i18n.get_language() == "en"
    with pytest.raises(ValueError, match="unknown language"), i18n.using_language("xx"):
        pass


def test_russian_plurals(clean_env: pytest.MonkeyPatch) -> None:
    singular = "{name} has {count} index, {symbol} takes {wanted}"
    plural = "{name} has {count} indices, {symbol} takes {wanted}"
    with i18n.using_language("ru"):
        forms = [i18n.ngettext(singular, plural, n).split(" ")[3] for n in (1, 2, 5, 11, 21, 22, 25)]
    assert forms == ["индекс,", "индекса,", "индексов,", "индексов,", "индекс,", "индекса,", "индексов,"]


# --- numbers ------------------------------------------------------------------------------


def test_russian_numbers_have_the_decimal_comma(clean_env: pytest.MonkeyPatch) -> None:
    assert (fixed(0.542397940774351), significant(-0.012393840598352489)) == ("0.5424", "-0.01239")
    with i18n.using_language("ru"):
        assert fixed(0.542397940774351) == "0,5424"
        assert fixed(-0.00001, 4, sign=True) == "+0,0000"
        assert significant(-0.012393840598352489) == "-0,01239"
        assert significant(1.7e-18, 2) == "1,7e-18"
        assert significant(12.0) == "12"
        assert i18n.decimal_separator() == ","
        assert i18n.localize_number("1.5") == "1,5"
    assert i18n.decimal_separator() == "." and i18n.localize_number("1.5") == "1.5"


def test_translated_texts_format_numbers_as_the_language_does(clean_env: pytest.MonkeyPatch) -> None:
    message = "{name} = {value:.4f}, {count:,} values, {share:.1%}, {n}, {flag}, {exact!r}"
    fields = dict(name="L", value=0.06510478, count=12345, share=0.84, n=3, flag=True, exact=0.5)
    assert i18n._(message).format(**fields) == "L = 0.0651, 12,345 values, 84.0%, 3, True, 0.5"
    with i18n.using_language("ru"):
        assert i18n._(message).format(**fields) == "L = 0,0651, 12\u202f345 values, 84,0%, 3, True, 0.5"
        assert i18n._("{0} and {1:g}").format(1.5, 2.5) == "1,5 and 2,5"
        assert i18n._("{x}").format_map({"x": 0.25}) == "0,25"
        assert isinstance(i18n._("options"), str) and i18n._("options") + "!" == "параметры!"
        russian = i18n._("{x}")
    english = i18n._("{x}")
    with i18n.using_language("ru"):  # a text writes its numbers in its own language, wherever formatted
        assert english.format(x=0.25) == "0.25"
    assert russian.format(x=0.25) == "0,25"


def test_a_block_holds_in_its_own_thread_only(clean_env: pytest.MonkeyPatch) -> None:
    """A using_language block (a grading server's request) neither sees nor undoes another
    thread's language; set_language inside a block holds there at once and after it."""
    import threading

    inside, started, done = [], threading.Event(), threading.Event()

    def request() -> None:
        with i18n.using_language("ru"):
            started.set()
            done.wait(5)
            inside.append(i18n._("options"))

    worker = threading.Thread(target=request)
    worker.start()
    started.wait(5)
    assert i18n.get_language() == "en"  # this thread is not in the block
    i18n.set_language("en")
    done.set()
    worker.join(5)
    assert inside == ["параметры"] and i18n.get_language() == "en"
    with i18n.using_language("en"):
        assert i18n.set_language("ru") == "ru" and i18n._("options") == "параметры"
    assert i18n.get_language() == "ru"
    i18n.set_language(None)


def test_one_language_keeps_the_signature() -> None:
    import inspect

    from deltagrad.viz.graph import read_graph

    assert list(inspect.signature(read_graph).parameters) == ["root", "params", "inputs"]
    assert read_graph.__name__ == "read_graph" and "Names, roles" in (read_graph.__doc__ or "")
