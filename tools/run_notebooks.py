"""Run every notebook top to bottom in a real Jupyter kernel, as JupyterLab does (nbdev_test uses its own shell).

What a kernel does and nbdev_test does not: cells marked `#| eval: false` run (the Colab install cell, a no-op
outside Colab), progress bars are widgets, `__name__` is `"__main__"` with ipykernel loaded. `IN_TEST=1` points each
notebook's parameter cell at its small local files (a tiny model, the toy data), as under nbdev_test. The
notebooks on disk are not modified. One notebook per core, each with one torch thread.

    python tools/run_notebooks.py                  # all notebooks in nbs/
    python tools/run_notebooks.py nbs/05_data.ipynb nbs/12_train.ipynb
"""
import os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

def run_one(path: str) -> None:
    "Execute one notebook in a fresh python3 kernel (in this process); raise on the first failing cell."
    import nbformat
    from nbclient import NotebookClient
    for attempt in range(3):   # two kernels started at once can pick the same free port: one dies before any cell ran
        nb = nbformat.read(path, as_version=4)
        try:
            NotebookClient(nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}}).execute()
            return
        except RuntimeError as e:
            if "Kernel died before replying" not in str(e) or attempt == 2: raise
            print(f"{path}: the kernel died while starting ({e}); starting another", file=sys.stderr)

def main(paths: list[str]) -> int:
    paths = paths or sorted(str(p) for p in Path("nbs").glob("*.ipynb"))
    env = {**os.environ, "IN_TEST": "1", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    def job(p):
        start = time.perf_counter()
        r = subprocess.run([sys.executable, __file__, "--one", p], capture_output=True, text=True, env=env)
        return p, r, time.perf_counter() - start
    failed = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for p, r, seconds in pool.map(job, paths):
            print(f"{'ok  ' if r.returncode == 0 else 'FAIL'} {p} ({seconds:.0f} s)", flush=True)
            if r.returncode: failed.append(p); print((r.stdout + r.stderr)[-4000:], flush=True)
    print(f"Jupyter kernel: {len(paths) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]: run_one(sys.argv[2])
    else: sys.exit(main(sys.argv[1:]))
