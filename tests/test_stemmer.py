"""Russian search: inflected forms of a word stem to the same search term.

Sphinx indexes every page with its Russian stemmer (``language = "ru"``) and the
browser stems the query with the same Snowball algorithm, so a reader who types
«потоками» finds the pages that say «поток» or «потоков». This test checks the
stemmer Sphinx uses for indexing; it needs no build. That a browser search on the
built site finds the right chapters is checked by the browser tests (issue 10).
"""

from __future__ import annotations

import pytest

pytest.importorskip("sphinx", reason="the search checks need the docs group")

from sphinx.search.ru import SearchRussian

FORMS = {
    "поток": ["поток", "потока", "потоки", "потоков", "потоками", "потоке"],
    "процесс": ["процесс", "процесса", "процессы", "процессов", "процессами"],
    # «ядер» is not here: Snowball does not restore the fleeting vowel (ядер → ядер)
    "ядро": ["ядро", "ядра", "ядрами", "ядрах"],
    "блокировка": ["блокировка", "блокировки", "блокировку", "блокировкой"],
}


@pytest.fixture(scope="module")
def stem():
    return SearchRussian({}).stem


@pytest.mark.parametrize("word", sorted(FORMS))
def test_inflected_forms_share_a_stem(stem, word):
    stems = {form: stem(form) for form in FORMS[word]}
    assert len(set(stems.values())) == 1, stems


def test_query_words_from_the_issue(stem):
    assert stem("потоками") == stem("поток")
    assert stem("процессов") == stem("процесс")
    # and the two words stay distinct terms
    assert stem("поток") != stem("процесс")


def test_c_stemmer_indexes_as_the_pure_python_one():
    """PyStemmer (a docs dependency: a faster build) stems as snowballstemmer does.

    snowballstemmer hands its work to PyStemmer when that is installed; the
    browser stems queries with Sphinx's JavaScript port of the same Snowball
    algorithm, so the index must not depend on which one ran.
    """
    import Stemmer  # in the docs group, next to Sphinx
    from snowballstemmer.russian_stemmer import RussianStemmer

    c_stemmer = Stemmer.Stemmer("russian")

    pure = RussianStemmer()
    words = [form for forms in FORMS.values() for form in forms]
    words += ["глобальная", "блокировка", "интерпретатора", "параллельно", "ёжик"]
    assert [c_stemmer.stemWord(w) for w in words] == [pure.stemWord(w) for w in words]
