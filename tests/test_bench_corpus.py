"""The benchmark corpus generator: deterministic, exact in size, and read back by the loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.corpus import STYLES, generate
from benchmarks.registry import build_places
from loaders import extract_path


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path: Path) -> None:
    generate(tmp_path / "a", tasks=300, seed=3)
    generate(tmp_path / "b", tasks=300, seed=3)
    generate(tmp_path / "c", tasks=300, seed=4)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


@pytest.mark.parametrize("tasks", [1, 7, 250, 1000])
def test_exactly_the_requested_number_of_tasks(tmp_path: Path, tasks: int) -> None:
    golds = generate(tmp_path, tasks=tasks, seed=1)
    assert sum(len(g.tasks) for g in golds) == tasks
    assert len({g.title for g in golds}) == len(golds)  # plan ids come from titles


def test_plans_option_and_gold_file(tmp_path: Path) -> None:
    golds = generate(tmp_path, plans=10, seed=1)
    assert len(golds) == 10
    lines = (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["file"] for line in lines] == [g.file for g in golds]


def test_departments_repeat_within_a_place_from_its_own_registry(tmp_path: Path) -> None:
    golds = generate(tmp_path, tasks=2000, seed=1)
    places = {p.name: p for p in build_places(1)}
    used: dict[str, list[set[str]]] = {}
    for g in golds:
        names = {n for t in g.tasks for n in (*t.lead, *t.support)}
        registry = {places[g.place].dept_name(f, s) for f, s in places[g.place].departments}
        assert names - registry <= set(places[g.place].collectives), g.file
        used.setdefault(g.place, []).append(names)
    shared = [p for p, sets in used.items() if len(sets) > 1 and set.intersection(*sets[:2])]
    assert len(shared) >= 5  # plans of one place name the same bodies
    assert len(used) >= 40  # and the corpus spans many places


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("corpus")
    generate(out, plans=40, seed=11)
    return out, [json.loads(line) for line in (out / "gold.jsonl").open(encoding="utf-8")]


def test_the_sample_covers_every_annotation_style(sample: tuple[Path, list[dict]]) -> None:
    assert {g["style"] for g in sample[1]} == set(STYLES)


def test_the_loader_reads_what_the_generator_wrote(sample: tuple[Path, list[dict]]) -> None:
    """Recall 1.0: every task, lead, support, chain and enterprise the generator wrote is extracted."""
    out, golds = sample
    missed: list[tuple[str, ...]] = []
    written = found = 0
    for g in golds:
        ex = extract_path(out / g["file"])
        assert ex.plan.title == g["title"]
        assert [t.number for t in ex.tasks] == [t["number"] for t in g["tasks"]], g["file"]
        canon: dict[str, set[str]] = {}
        for d in ex.departments:
            for form in (d.name, *d.aliases):
                canon.setdefault(form, set()).add(d.name)
        for gt, et in zip(g["tasks"], ex.tasks, strict=True):
            for role in ("lead", "support"):
                for name in gt[role]:
                    written += 1
                    if canon.get(name, set()) & set(getattr(et, role)):
                        found += 1
                    else:
                        missed.append((g["file"], gt["number"], role, name))
            assert set(gt["chains"]) <= set(et.chains), (g["file"], gt["number"])
            assert set(gt["enterprises"]) <= set(et.enterprises), (g["file"], gt["number"])
    assert written > 300
    assert missed == []
    assert found == written
