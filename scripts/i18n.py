"""Translation catalogue tooling (polib).

  python scripts/i18n.py status              untranslated/fuzzy counts per language
  python scripts/i18n.py headers             set Language and Plural-Forms headers
  python scripts/i18n.py fill-en             English catalogue: msgstr = msgid (the msgids are English)
  python scripts/i18n.py export LANG FILE    untranslated entries of LANG as JSON {msgid: ""} (plurals: [..])
  python scripts/i18n.py import LANG FILE    write translations from such a JSON file into LANG
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "motcua" / "locale"


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"), wrapwidth=0)


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


PLURAL_FORMS = {
    "vi": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}


def _nplurals(lang: str) -> int:
    return int(PLURAL_FORMS[lang].split(";")[0].split("=")[1])


def headers() -> None:
    """Set each catalogue's header (makemessages leaves placeholders)."""
    for lang, plural in PLURAL_FORMS.items():
        po = catalogue(lang)
        po.metadata.update({
            "Project-Id-Version": "motcua",
            "Language": lang,
            "Plural-Forms": plural,
            "Content-Type": "text/plain; charset=UTF-8",
        })
        po.metadata.pop("Report-Msgid-Bugs-To", None)
        po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
        for entry in po:  # keep exactly as many plural forms as the language has
            if entry.msgid_plural:
                entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(_nplurals(lang))}
        po.metadata["Language-Team"] = "motcua"
        po.metadata["Last-Translator"] = "motcua"
        po.save()


def status() -> None:
    for lang in ("vi", "en", "fr"):
        po = catalogue(lang)
        print(f"{lang}: {len(po)} entries, {len(po.untranslated_entries())} untranslated, {len(po.fuzzy_entries())} fuzzy")


def fill_en() -> None:
    po = catalogue("en")
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def export(lang: str, path: str) -> None:
    po = catalogue(lang)
    todo = {}
    for entry in po:
        if entry.translated() and "fuzzy" not in entry.flags:
            continue
        todo[_key(entry)] = ["", ""] if entry.msgid_plural else ""
        if entry.msgid_plural:
            todo[_key(entry) + "\x00plural"] = entry.msgid_plural
    Path(path).write_text(json.dumps(todo, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len([k for k in todo if not k.endswith(chr(0) + 'plural')])} entries to translate -> {path}")


def import_(lang: str, path: str) -> None:
    po = catalogue(lang)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    done = 0
    for entry in po:
        value = data.get(_key(entry))
        if not value:
            continue
        if entry.msgid_plural:
            values = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = dict(enumerate(values[:_nplurals(lang)]))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        done += 1
    po.save()
    print(f"{lang}: {done} entries written")


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["status"]
    {"status": status, "headers": headers, "fill-en": fill_en, "export": export, "import": import_}[command](*args)
