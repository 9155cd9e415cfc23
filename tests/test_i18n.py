"""Every addon ships its .pot and a complete Simplified Chinese translation."""

import re
from pathlib import Path

import polib
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
ADDONS = ("crm_lifecycle", "crm_value", "crm_service")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


@pytest.mark.parametrize("addon", ADDONS)
def test_zh_cn_complete(addon):
    pot = polib.pofile(str(PROJECT_DIR / addon / "i18n" / f"{addon}.pot"))
    po = polib.pofile(str(PROJECT_DIR / addon / "i18n" / "zh_CN.po"))
    assert len(pot) > 0
    translations = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in po}
    missing = [entry.msgid for entry in pot if not translations.get((entry.msgctxt, entry.msgid))]
    assert not missing, f"{addon}/i18n/zh_CN.po lacks: {missing} (run make i18n, then translate)"
    for entry in po:
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), (
            f"{addon}: placeholders differ in {entry.msgid!r}"
        )
