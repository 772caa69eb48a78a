"""Compiles the translation catalogues (``core/domain/locale/*/LC_MESSAGES/*.po`` → ``.mo``)
as the package is built or installed, editable or not; everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """``build_py`` that first compiles each ``.po`` beside itself (so an editable install
    finds the ``.mo`` in the source tree, and a wheel takes it as package data)."""

    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(__file__).parent.glob("core/domain/locale/*/LC_MESSAGES/*.po"):
            with po.open("rb") as stream:
                catalog = read_po(stream)
            with po.with_suffix(".mo").open("wb") as out:
                write_mo(out, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
