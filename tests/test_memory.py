import os

import pytest

from potok import memory


@pytest.mark.parametrize(
    ("text", "size"),
    [("32K", 32 * 1024), ("512KiB", 512 * 1024), ("1M", 1024**2), ("4096", 4096)],
)
def test_parse_size(text, size):
    assert memory.parse_size(text) == size


def test_parse_size_names_bad_input():
    with pytest.raises(ValueError, match="not a cache size: 'lots'"):
        memory.parse_size("lots")


def _index(root, n, level, kind, size, line="64", shared="0"):
    d = root / f"index{n}"
    d.mkdir()
    (d / "level").write_text(f"{level}\n")
    (d / "type").write_text(f"{kind}\n")
    (d / "size").write_text(f"{size}\n")
    (d / "coherency_line_size").write_text(f"{line}\n")
    (d / "shared_cpu_list").write_text(f"{shared}\n")


def test_sysfs_levels_skip_instruction_caches_and_sort(tmp_path):
    _index(tmp_path, 0, 1, "Data", "32K")
    _index(tmp_path, 1, 1, "Instruction", "32K")
    _index(tmp_path, 3, 3, "Unified", "32768K", shared="0-1")
    _index(tmp_path, 2, 2, "Unified", "512K")
    levels = memory.cache_levels_sysfs(tmp_path)
    assert [(c.name, c.size) for c in levels] == [
        ("L1", 32 * 1024),
        ("L2", 512 * 1024),
        ("L3", 32 * 1024**2),
    ]
    assert levels[2].shared_with == "0-1"
    assert levels[0].line == 64


def test_sysfs_missing_folder_gives_nothing(tmp_path):
    assert memory.cache_levels_sysfs(tmp_path / "absent") == []


def test_cache_levels_are_positive_when_reported():
    for c in memory.cache_levels():
        assert c.size > 0 and c.line > 0 and c.level >= 1


def test_working_set_sizes_are_whole_lines_and_increasing():
    sizes = memory.working_set_sizes(4096, 1024**2, 2)
    assert sizes[0] == 4096 and sizes[-1] <= 1024**2
    assert all(s % memory.LINE == 0 for s in sizes)
    assert sizes == sorted(set(sizes))
    assert 1024**2 in sizes  # powers of two land exactly


def test_random_indices_hit_only_line_starts_inside_the_set():
    pytest.importorskip("numpy")
    idx = memory.line_indices(4096, 1000, random=True, seed=1)
    assert idx.min() >= 0 and idx.max() < 4096 // 8
    assert (idx % (memory.LINE // 8) == 0).all()


def test_sequential_indices_wrap_round():
    pytest.importorskip("numpy")
    idx = memory.line_indices(128, 40, random=False)
    assert list(idx[:17]) == [*range(16), 0]


def test_time_gather_gives_one_positive_sample_per_repeat():
    pytest.importorskip("numpy")
    t = memory.time_gather(8192, 4096, random=True, repeats=3)
    assert len(t.samples) == 3
    assert all(s >= 0 for s in t.samples)


@pytest.mark.skipif(not hasattr(os, "sysconf_names"), reason="no os.sysconf")
def test_sysconf_levels_are_well_formed():
    for c in memory.cache_levels_sysconf():
        assert c.size > 0 and c.source == "os.sysconf"
