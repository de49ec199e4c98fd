"""Put the committed study's finished runs back under the study's output folder, so that a new checkout continues the
study instead of training them again.

The run folders (weights, logs) are not committed; `runs.csv` is (the finished methods), and, while the study is
unfinished, `partial_runs.csv` (the finished runs of a method a sitting stopped in; the finished study has none). The study counts a run as finished when its folder
holds `metrics.json`, so this writes, for each run of `runs.csv` that finished ("ok") and whose folder is missing,
a `metrics.json` with the figures `runs.csv` recorded (marked `"restored_from"`), and copies `study.json` (the
settings every run shares, which the study checks). Nothing is overwritten: a folder that exists is left alone.
Such a run has no weights: it counts in the table, but `lora_nb_predict` cannot use it.

    python benchmarks/study_methods/restore_runs.py            # into runs/study-methods
"""
import json, shutil, sys
from pathlib import Path
import pandas as pd

here = Path(__file__).parent
out = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/study-methods")
numbers = ["dev_accuracy", "dev_f1", "accuracy", "f1", "train_seconds", "seconds_per_step", "peak_memory_mb",
           "trainable_params", "total_params", "trainable_pct", "weights_mb"]
out.mkdir(parents=True, exist_ok=True)
if not (out / "study.json").exists(): shutil.copy(here / "study.json", out / "study.json")
restored = 0
finished = set(pd.read_csv(here / "runs.csv").method)
files = [f for f in (here / "runs.csv", here / "partial_runs.csv") if f.is_file()]
for r in pd.concat([pd.read_csv(f) for f in files]).itertuples():
    run_dir = out / "runs" / Path(r.run_dir).name
    if r.status != "ok" or run_dir.exists(): continue
    run_dir.mkdir(parents=True)
    metrics = {k: getattr(r, k).item() if hasattr(getattr(r, k), "item") else getattr(r, k) for k in numbers}
    (run_dir / "metrics.json").write_text(json.dumps({**metrics, "restored_from": "benchmarks/study_methods/" + ("partial_runs.csv" if r.method not in finished else "runs.csv")}, indent=1))
    restored += 1
print(f"{restored} finished run(s) restored under {out}/runs from {', '.join(f.name for f in files)}")
