"""`pip install .` must add aelib to an environment without replacing its torch (e.g. on Colab)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pip_install_of_the_repository_keeps_the_installed_torch(tmp_path):
    report = tmp_path / "report.json"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-build-isolation", "--quiet",
         "--report", str(report), str(ROOT)],
        check=True,
    )
    to_install = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert to_install == {"aelib"}, f"pip would also install {to_install - {'aelib'}}"
