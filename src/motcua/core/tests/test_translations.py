"""The vi/en/fr catalogues are complete and up to date with the code."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE_DIR = Path(settings.PACKAGE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MSGID = re.compile(r'^msgid "(.*)"$')


def _msgids(po_file: Path) -> set[str]:
    """msgids of a catalogue, multi-line ids joined (enough to compare two catalogues)."""
    ids, current, in_id = set(), None, False
    for line in po_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, in_id = MSGID.match(line).group(1), True
        elif in_id and line.startswith('"'):
            current += line[1:-1]
        else:
            if in_id and current:
                ids.add(current)
            in_id = False
    return ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr
    assert "fuzzy" not in stats and "untranslated" not in stats, f"{language}: {stats.strip()}"


@pytest.mark.slow
def test_catalogues_contain_every_string_of_the_code(tmp_path):
    """makemessages run on a copy of the code finds no msgid missing from our catalogues."""
    copy = tmp_path / "motcua"
    shutil.copytree(settings.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.mo"))
    for language in LANGUAGES:
        (copy / "locale" / language / "LC_MESSAGES" / "django.po").unlink()
    import os

    cwd = os.getcwd()
    try:
        os.chdir(copy)
        call_command("makemessages", locale=["vi"], no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = _msgids(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    for language in LANGUAGES:
        ours = _msgids(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
        missing = sorted(extracted - ours)
        assert not missing, f"{language}: {len(missing)} strings not in the catalogue, run `make makemessages`: {missing[:10]}"
