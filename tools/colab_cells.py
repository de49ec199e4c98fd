"""Every tutorial notebook opens with an "Open in Colab" badge and an install cell that acts only in Colab.

The install cell does nothing outside Colab, so JupyterLab runs it harmlessly; `#| eval: false` keeps nbdev_test
and the docs build from running it at all, and `#| hide` keeps it out of the docs pages.

The repository's address comes from one place, `settings.ini` (`git_url`, `branch`); this script writes the two
cells into every numbered notebook in `nbs/` (after the title), replacing older versions of them.

    python tools/colab_cells.py           # write them
    python tools/colab_cells.py --check   # exit 1 if any notebook is out of date (CI runs this)
"""
import configparser, json, re, sys
from pathlib import Path

BADGE_MARK, INSTALL_MARK = "colab-badge", "# colab-install"

def settings() -> dict:
    cfg = configparser.ConfigParser(); cfg.read("settings.ini")
    return dict(cfg["DEFAULT"])

def badge_cell(nb_name: str, s: dict) -> dict:
    repo = re.sub(r"^https://github.com/", "", s["git_url"]).rstrip("/")
    url = f"https://colab.research.google.com/github/{repo}/blob/{s.get('branch', 'main')}/nbs/{nb_name}"
    src = f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url}) <!-- {BADGE_MARK} -->"
    return {"cell_type": "markdown", "id": "colab-badge", "metadata": {}, "source": [src]}

def install_cell(s: dict) -> dict:
    src = f'''#| hide
#| eval: false
{INSTALL_MARK}: in Google Colab, and only there, install lora_nb from GitHub first (a few seconds). Elsewhere
# (JupyterLab, VS Code) use the environment of your checkout: pip install -e ".[dev]" (see the README).
import sys
if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "lora_nb[minilm] @ git+{s['git_url']}"], check=True)'''
    return {"cell_type": "code", "execution_count": None, "id": "colab-install", "metadata": {}, "outputs": [],
            "source": src.splitlines(keepends=True)}

def is_old(c: dict) -> bool:
    src = "".join(c["source"])
    return BADGE_MARK in src or INSTALL_MARK in src or (c["cell_type"] == "code" and "# Colab: install lora_nb first" in src)

def updated(nb: dict, name: str, s: dict) -> dict:
    cells = [c for c in nb["cells"] if not is_old(c)]
    cells[1:1] = [badge_cell(name, s), install_cell(s)]        # after the title cell
    return {**nb, "cells": cells}

def main(check: bool) -> int:
    s, stale = settings(), []
    for path in sorted(Path("nbs").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text())
        new = updated(nb, path.name, s)
        key = lambda n: [(c["cell_type"], "".join(c["source"])) for c in n["cells"]]
        if key(new) != key(nb):
            stale.append(path.name)
            if not check: path.write_text(json.dumps(new, indent=1, ensure_ascii=False) + "\n")
    if check and stale:
        print(f"FAIL: the Colab badge or install cell is out of date in {', '.join(stale)}: run python tools/colab_cells.py")
        return 1
    print(f"{'checked' if check else 'updated'}: {len(stale) if not check else 'all'} notebook(s)")
    return 0

if __name__ == "__main__": sys.exit(main("--check" in sys.argv))
