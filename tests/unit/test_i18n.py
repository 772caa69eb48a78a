"""Choosing the language and loading the Russian catalogue (core/domain/i18n.py)."""

from __future__ import annotations

import os

import pytest

from millplan.core.domain import i18n, preferences


def test_detect_prefers_argv_then_env_then_preference_then_locale(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv(preferences.CONFIG_ENV, str(config))
    assert i18n.detect([], {"LANG": "ru_RU.UTF-8"}) == "ru"
    assert i18n.detect([], {"LANG": "de_DE.UTF-8"}) == "en"
    assert i18n.detect([], {"LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"}) == "en"  # LC_ALL decides
    assert i18n.detect([], {}) == "en"
    preferences.save("lang", "ru")
    assert i18n.detect([], {"LANG": "en_US.UTF-8"}) == "ru"
    assert i18n.detect([], {i18n.LANG_ENV: "en", "LANG": "ru_RU"}) == "en"
    assert i18n.detect(["--lang", "en", "plan"], {i18n.LANG_ENV: "ru"}) == "en"
    assert i18n.detect(["--lang=ru"], {i18n.LANG_ENV: "en"}) == "ru"
    assert i18n.detect(["--lang", "fr"], {"LANG": "ru_RU"}) == "ru"  # an unknown choice falls through


def test_use_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="fr"):
        i18n.use("fr")
    assert i18n.language() == "en"


def test_an_edited_catalogue_is_compiled_as_it_loads(tmp_path, monkeypatch):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "millplan.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "Load"\nmsgstr "Загрузка"\n\n'
        'msgid "{n} mill"\nmsgid_plural "{n} mills"\nmsgstr[0] "{n} агрегат"\nmsgstr[1] "{n} агрегата"\nmsgstr[2] "{n} агрегатов"\n',
        encoding="utf-8",
    )
    (folder / "millplan.mo").write_bytes(b"stale")  # older than the .po: never read
    os.utime(folder / "millplan.mo", (0, 0))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_translations", {})
    try:
        i18n.use("ru")
        assert i18n._("Load") == "Загрузка"
        assert [i18n.ngettext("{n} mill", "{n} mills", n) for n in (1, 2, 5)] == [
            "{n} агрегат",
            "{n} агрегата",
            "{n} агрегатов",
        ]
        assert i18n._("Not in the catalogue") == "Not in the catalogue"
    finally:
        i18n.use("en")
    assert i18n._("Load") == "Load"
