"""Run the notebooks' tests in parallel, as `nbdev_test` does, but start the slowest ones first.

    python tools/test_notebooks.py --skip_re "^(06_eval|20_distributed)\\.ipynb$" --first 19_study 15_robustness

`nbdev_test` starts the notebooks in name order, so a slow notebook late in that order (19_study, the slowest of
all) ran alone at the end while the other worker sat idle. Here the notebooks named by `--first` start first, in
that order, then the rest in name order: the longest-first rule that keeps the workers busy. Each notebook runs through nbdev's own `test_nb`, with the `tst_flags` of settings.ini skipped (so `#| slow` cells are
not run). Prints "NAME.ipynb: N secs" per notebook, slowest first, as `nbdev_test --timing` does; exits 1 if any
notebook fails.
"""
import argparse, os, re, sys
from fastcore.parallel import parallel
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.test import test_nb


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--skip_re", default=None, help="skip notebooks whose file name matches (files starting with _ or . always are)")
    p.add_argument("--first", nargs="*", default=[], metavar="NOTEBOOK", help="notebook names (no .ipynb) to start first, in order")
    p.add_argument("--n_workers", type=int, default=min(os.cpu_count() or 1, 8), help="parallel notebooks (default: the cores, at most 8, as nbdev_test)")
    args = p.parse_args(argv)
    cfg = get_config()
    files = [f for f in sorted(cfg.nbs_path.glob("*.ipynb"))
             if not f.name.startswith(("_", ".")) and not (args.skip_re and re.search(args.skip_re, f.name))]
    if unknown := set(args.first) - {f.stem for f in files}: p.error(f"--first: no such notebook to test: {sorted(unknown)}")
    rank = {name: i for i, name in enumerate(args.first)}
    files.sort(key=lambda f: rank.get(f.stem, len(rank)))       # stable: the others keep their name order
    with working_directory(cfg.nbs_path):
        results = parallel(test_nb, files, skip_flags=cfg.tst_flags.split(), force_flags=[], n_workers=args.n_workers,
                           basepath=cfg.config_path, pause=0.01)
    passed, times = zip(*results)
    for f, t in sorted(zip(files, times), key=lambda o: o[1], reverse=True): print(f"{f.name}: {int(t)} secs")
    if not all(passed):
        print("nbdev Tests Failed On The Following Notebooks:\n\t" + "\n\t".join(f.name for f, ok in zip(files, passed) if not ok),
              file=sys.stderr)
        sys.exit(1)
    print("Success.")


if __name__ == "__main__":
    main()
