"""Execute the notebooks and keep the outputs worth committing, so they read well on GitHub and in JupyterLab.

    python tools/fill_outputs.py [nbs/01_layers.ipynb ...]      # default: every notebook in nbs/

Each notebook runs top to bottom in a Jupyter kernel, in test mode (`IN_TEST=1`: tiny models, toy data, one torch
thread), from `nbs/`; cells marked `#| eval: false` (Colab's install cell) or `#| slow` (timings) are skipped, as
`nbdev_test` skips them. Then every output that is machine-specific or noisy is dropped: stderr (progress bars,
warnings), widgets (a progress bar's view carries a random id), the `Trainer`'s progress tables (elapsed times), any output of a cell marked `#| output: false` or `#| hide`, and any output that mentions the
temporary directory. `nbdev_clean` runs last. Training cells are marked `#| output: false`: their timings differ
from one machine to the next.
"""
import os, re, subprocess, sys, tempfile
from pathlib import Path
import nbformat
from nbclient import NotebookClient

SKIP = re.compile(r"^#\|\s*(eval:\s*false|slow\b)", re.M)
DROP = re.compile(r"^#\|\s*(output:\s*false|hide\b)", re.M)

def _mentions_tmp(out) -> bool:
    tmp = tempfile.gettempdir()
    text = out.get("text", "") if out.output_type == "stream" else str(out.get("data", {}).get("text/plain", ""))
    return tmp in text

def fill(path: Path):
    nb = nbformat.read(path, as_version=4)
    os.environ.update(IN_TEST="1", OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    skipped = {i: c.source for i, c in enumerate(nb.cells) if c.cell_type == "code" and SKIP.search(c.source)}
    for i in skipped: nb.cells[i].source = ""
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for i, source in skipped.items(): nb.cells[i].source = source
    for cell in nb.cells:
        if cell.cell_type != "code": continue
        if DROP.search(cell.source) or SKIP.search(cell.source): cell.outputs = []
        cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr") and not _mentions_tmp(o)
                        and "application/vnd.jupyter.widget-view+json" not in o.get("data", {})   # a widget's random id
                        and "<progress" not in "".join(o.get("data", {}).get("text/html", ""))]   # the Trainer's table: times
    nbformat.write(nb, path)
    print(f"{path}: {sum(len(c.get('outputs', [])) for c in nb.cells)} outputs kept", flush=True)

if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path("nbs").glob("[0-9]*.ipynb"))
    for p in paths: fill(p)
    subprocess.run(["nbdev_clean"], check=True)
