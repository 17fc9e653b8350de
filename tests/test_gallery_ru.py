"""sphinx-gallery's English on the gallery's pages, in Russian (potok_sphinx.russian).

That a built example page and the gallery index read in Russian is checked by
test_build.test_build_passes_offline_in_russian; here, the rules themselves.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("sphinx", reason="the extensions need the docs group")

from potok_sphinx import russian as potok_gallery_ru  # noqa: E402
from sites import TIMES  # noqa: E402
from sphinx.errors import ExtensionError  # noqa: E402


def app(show_memory: bool = False) -> SimpleNamespace:
    conf = {"gallery_dirs": "auto_examples", "show_memory": show_memory}
    return SimpleNamespace(config=SimpleNamespace(sphinx_gallery_conf=conf))


def test_known_phrases_are_put_in_russian():
    source = ["**Total running time of the script:** (1 minutes 2.500 seconds)\n"]
    potok_gallery_ru.translate(app(), "auto_examples/01_x/plot_y", source)
    assert source[0] == "**Время выполнения скрипта:** 1 мин 2,500 с\n"


def test_pages_outside_the_gallery_are_left_alone():
    other = ["Total running time, in English, on purpose.\n"]
    potok_gallery_ru.translate(app(), "chapters/01-cpu", other)
    assert other == ["Total running time, in English, on purpose.\n"]


def test_unknown_gallery_english_fails_naming_page_and_phrase():
    reworded = ["**Total running time of the example:** 3 s\n"]
    with pytest.raises(ExtensionError) as err:
        potok_gallery_ru.translate(app(), "auto_examples/01_x/plot_y", reworded)
    assert "auto_examples/01_x/plot_y" in str(err.value)
    assert "Total running time" in str(err.value)


@pytest.mark.parametrize(
    "docname", ["sg_execution_times", "auto_examples/sg_execution_times"]
)
def test_execution_times_page_in_russian_without_memory_column(docname):
    source = [TIMES]
    potok_gallery_ru.translate(app(), docname, source)
    text = source[0]
    assert "Время выполнения примеров" in text
    assert "Примеров во всех галереях: 1, общее время выполнения **00:01.069**." in text
    assert "   * - Пример\n     - Время\n   * - :ref:" in text  # no memory column


def test_execution_times_page_keeps_memory_when_shown():
    source = [TIMES]
    potok_gallery_ru.translate(app(show_memory=True), "sg_execution_times", source)
    assert "     - Память, МБ\n" in source[0] and "     - 0.0\n" in source[0]


def test_reworded_execution_times_page_fails_naming_it():
    source = [
        TIMES.replace("Computation times\n=================", "Computation times:")
    ]
    with pytest.raises(ExtensionError, match=r"sg_execution_times.*Computation times"):
        potok_gallery_ru.translate(app(), "sg_execution_times", source)
