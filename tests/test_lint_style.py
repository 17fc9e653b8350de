"""tools/lint_style.py: CONTRIBUTING's style table, enforced (issue 27)."""

from __future__ import annotations

import lint_style
import pytest


def test_the_table_gives_the_rules_it_checks():
    table = lint_style.rules()
    written = {r.not_write for r in table}
    for form in ("таймаут", "воркер", "многопоточка", "кэш", "заметки"):
        assert any(form in w for w in written), form
    # a row a reader must judge has no expression and is not checked
    assert not any(r.not_write == "логический процессор" for r in table)


@pytest.mark.parametrize(
    ("line", "form"),
    [
        ("Без таймаута программа висит.", "таймаут"),
        ("несколько воркеров веб-сервера", "воркер"),
        ("функция поднимает исключение ValueError", "поднимает"),
        ("если задача бросает ShutDown", "бросает"),
        ("цикл событий стоит", "цикл событий"),
        ("замёрзшая программа", "замёрз"),
        ("От процессора до многопоточки", "многопоточк"),
        ('print(f"идеал: ×{CPUS} (ядер)")', "CPUS} (ядер"),
        ("планировщик продолжает каждую корутину", "продолжает каждую корутин"),
        ("пример меряет время", "меряет"),
    ],
)
def test_a_banned_form_is_named_with_its_line(line, form):
    text = f"Первая строка.\n{line}\n"
    problems = lint_style.check_text(text, "docs/x.md", lint_style.rules())
    assert problems and problems[0].startswith("docs/x.md:2: «"), problems
    assert form.lower() in problems[0].lower()


@pytest.mark.parametrize(
    "line",
    [
        "пул поднимает три рабочих процесса",  # not an exception: allowed
        "измеряет, измерим, измеряется",
        "тайм-аут, кеш, событийный цикл, зависла",
    ],
)
def test_the_right_forms_pass(line):
    assert lint_style.check_text(line, "docs/x.md", lint_style.rules()) == []


def test_a_quotation_on_purpose_is_allowed_on_its_line_or_above():
    rules = lint_style.rules()
    same = "«воркер» — жаргон  <!-- style: allow -->\n"
    above = "% style: allow\nне «воркер», а «рабочий процесс»\n"
    python = "# style: allow\n# «таймаут» так не пишем\n"
    assert lint_style.check_text(same, "a.md", rules) == []
    assert lint_style.check_text(above, "a.md", rules) == []
    assert lint_style.check_text(python, "a.py", rules) == []
    far = "% style: allow\n\nне «воркер»\n"
    assert lint_style.check_text(far, "a.md", rules) != []


def test_a_broken_table_names_the_row():
    text = (
        "| Пишем | Не пишем | Почему | Проверка |\n| --- | --- | --- | --- |\n"
        "| a | b | c | `(` |\n"
    )
    with pytest.raises(SystemExit, match=r"CONTRIBUTING\.md:3: '\(' is not a regular"):
        lint_style.rules(text)
