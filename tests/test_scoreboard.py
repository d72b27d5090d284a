"""The chapters' headline numbers: how they are recorded, and the committed ones against their bars."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import scoreboard as page  # benchmarks/scoreboard.py: benchmarks/ is on pytest's path (pyproject.toml)

from aelib import scoreboard
from aelib.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def board(tmp_path, monkeypatch):
    path = tmp_path / "scoreboard.json"
    monkeypatch.setenv("AELIB_SCOREBOARD", str(path))
    monkeypatch.setattr(scoreboard, "settings", Settings(budget="full", dataset="mnist"))
    return path


def test_record_writes_nothing_unless_asked_at_full_budget(tmp_path, monkeypatch, board):
    monkeypatch.setattr(scoreboard, "settings", Settings(budget="smoke", dataset="mnist"))
    scoreboard.record("x", 1.0)
    monkeypatch.delenv("AELIB_SCOREBOARD")
    monkeypatch.setattr(scoreboard, "settings", Settings(budget="full", dataset="mnist"))
    scoreboard.record("x", 1.0)
    assert list(tmp_path.iterdir()) == []


def test_record_replaces_only_its_own_entry(monkeypatch, board):
    scoreboard.record("ratio", 1.5, epochs=3)
    scoreboard.record("auc", 0.9)
    monkeypatch.setattr(scoreboard, "settings", Settings(budget="full", dataset="fashion"))
    scoreboard.record("ratio", 1.2)
    monkeypatch.setattr(scoreboard, "settings", Settings(budget="full", dataset="mnist"))
    scoreboard.record("ratio", 2.5, epochs=10)
    assert json.loads(board.read_text()) == {
        "mnist": {"ratio": {"value": 2.5, "epochs": 10}, "auc": {"value": 0.9}},
        "fashion": {"ratio": {"value": 1.2}},
    }


def test_two_processes_recording_at_once_lose_nothing(board):
    script = ("import sys\nfrom aelib import scoreboard\n"
              "for i in range(30): scoreboard.record(f'{sys.argv[1]}{i}', i)")
    env = {"AELIB_SCOREBOARD": str(board), "AELIB_BUDGET": "full", "PATH": ""}
    writers = [subprocess.Popen([sys.executable, "-c", script, name], env=env) for name in "ab"]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    assert len(json.loads(board.read_text())["mnist"]) == 60


def test_every_committed_number_meets_its_bar():
    assert page.misses(json.loads(page.SCOREBOARD.read_text())) == []


def test_a_number_below_its_bar_is_reported():
    board = json.loads(page.SCOREBOARD.read_text())
    board["mnist"]["ae_pca_error_ratio_k32"]["value"] = 1.1
    del board["fashion"]["anomaly_auc"]
    assert page.misses(board) == [
        "ae_pca_error_ratio_k32 on mnist is 1.1, the bar is >= 1.5",
        "anomaly_auc is not recorded for fashion",
    ]


def test_the_committed_numbers_render_to_the_book_page():
    expected = page.page(json.loads(page.SCOREBOARD.read_text()))
    assert page.BOOK_PAGE.read_text() == expected, "run `.venv/bin/python benchmarks/scoreboard.py`"
