"""Each method's training step time, measured side by side under equal conditions (the methods study's time axis).

The study's own `train s` column comes from runs made over several sittings, on a shared machine whose speed varies by
tens of percent from hour to hour and with what else ran beside them, so it compares within a sitting only. This script
times every method again in one sitting: a short run of each (the study's flags, its selected learning rate, seed 42, the
same batches for every method), the methods in a rotated order each round, all in one process, and reports the mean
seconds of a step after the first ten (which meet most of the new batch shapes), as the median over rounds.

    OMP_NUM_THREADS=1 python benchmarks/study_methods/time_methods.py            # 100 steps, 2 rounds: about 20 minutes

It reads `summary.csv` and `study.json` from this folder (the finished study), and writes `timing.csv` (every run),
`timing.md` (the table) and `accuracy_vs_step_time.png` (validation accuracy against the measured step time) beside them.
"""
import argparse, json, os, shutil, sys, time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

def step_clock(skip: int):
    "A `TrainerCallback` that records how long each optimizer step takes, after the first `skip` (which meet new shapes)."
    from transformers import TrainerCallback
    class StepClock(TrainerCallback):
        def __init__(self): self.seconds = []
        def on_step_begin(self, args, state, control, **kw): self.t0 = time.perf_counter()
        def on_step_end(self, args, state, control, **kw):
            if state.global_step > skip: self.seconds.append(time.perf_counter() - self.t0)
    return StepClock()

def time_method(name: str, settings: dict, lr: float, steps: int, skip: int, data, out: Path) -> float:
    "Train `name` as the study does (its flags, `lr`, seed 42) for `steps` steps; the mean seconds of steps `skip`+1 to `steps`."
    from transformers import set_seed
    from lora_nb.study import method_args
    from lora_nb.train import parse_args, run_config
    from lora_nb.fit import fit
    from lora_nb.models import prepare_model
    args = list(settings["train_args"])
    args[args.index("--max_steps") + 1] = str(steps)
    a = parse_args([*method_args(name, settings.get("variants")), *args, "--lr", f"{lr:g}", "--seed", "42", "--output_dir", str(out)])
    config = run_config(a.method, **a.settings, **a.hparams)
    set_seed(config.train.seed)
    net, tokenizer = prepare_model(config.method, config.model.model, verbose=False,
                                   num_labels=data["train"].features["label"].num_classes, **config.hparams)
    clock = step_clock(skip)
    fit(net, tokenizer, data, config, callbacks=[clock], verbose=False)
    shutil.rmtree(out, ignore_errors=True)
    return sum(clock.seconds) / len(clock.seconds)

def time_methods(summary: pd.DataFrame, settings: dict, steps: int, skip: int, rounds: int, work_dir: Path) -> pd.DataFrame:
    "Time every method of `summary`, `rounds` times in rotated order, in this one process (the data loaded once); one row per run."
    from lora_nb.train import parse_args, run_config
    sys.path.insert(0, str(HERE))                            # --plugin bitfit: notebook 13's plugin, beside this script
    a = parse_args(["--method", "lora", *settings["train_args"]])
    data = run_config(a.method, **a.settings, **a.hparams).data.load()
    methods, lrs, rows = list(summary.method), summary.set_index("method").lr, []
    for k in range(rounds):
        for m in methods[k % len(methods):] + methods[:k % len(methods)]:
            s = time_method(m, settings, float(lrs[m]), steps, skip, data, work_dir / m)
            rows.append({"method": m, "round": k, "seconds_per_step": s})
            print(f"[round {k + 1}/{rounds}] {m}: {s:.3f} s/step", flush=True)
    return pd.DataFrame(rows)

def timing_table(timing: pd.DataFrame, summary: pd.DataFrame, study_steps: int = 800) -> pd.DataFrame:
    "Median seconds per step per method, its ratio to LoRA's, and what the study's `study_steps` take at that rate, beside the study's accuracy."
    med = timing.groupby("method").seconds_per_step.agg(["median", "min", "max"])
    table = summary.set_index("method")[["accuracy_mean", "accuracy_std", "trainable_params"]].join(med)
    table["vs_lora"] = table["median"] / table.loc["lora", "median"] if "lora" in table.index else float("nan")
    table["train_study_steps_s"] = table["median"] * study_steps
    return table.reset_index().rename(columns={"median": "step_seconds"})

def table_markdown(table: pd.DataFrame) -> str:
    head = ["method", "validation accuracy (mean ± std)", "trainable params", "s/step (median)", "min–max", "vs LoRA", "800 steps at that rate (s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in table.sort_values("step_seconds").iterrows():
        lines.append(f"| {r.method} | {r.accuracy_mean:.4f} ± {r.accuracy_std:.4f} | {r.trainable_params:,.0f} | {r.step_seconds:.3f} | "
                     f"{r['min']:.3f}–{r['max']:.3f} | {'' if pd.isna(r.vs_lora) else f'{r.vs_lora:.2f}x'} | {r.train_study_steps_s:.0f} |")
    return "\n".join(lines) + "\n"

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--study_dir", type=Path, default=HERE, help="the folder with the finished study's summary.csv and study.json")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--skip", type=int, default=10, help="steps not timed at the start of each run")
    p.add_argument("--work_dir", type=Path, default=Path("/tmp/time_methods"))
    p.add_argument("--methods", nargs="*", help="a subset of the study's methods (default: all of them)")
    a = p.parse_args()
    summary = pd.read_csv(a.study_dir / "summary.csv")
    summary = summary[summary.status == "ok"]
    if unknown := sorted(set(a.methods or []) - set(summary.method)):
        p.error(f"--methods {' '.join(unknown)}: not a finished method of {a.study_dir / 'summary.csv'} ({', '.join(summary.method)})")
    if a.steps <= a.skip: p.error(f"--steps {a.steps} must be above --skip {a.skip} (the steps not timed)")
    if a.methods: summary = summary[summary.method.isin(a.methods)]
    settings = json.loads((a.study_dir / "study.json").read_text())
    import torch, datasets
    datasets.disable_progress_bars()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    timing = time_methods(summary, settings, a.steps, a.skip, a.rounds, a.work_dir)
    table = timing_table(timing, summary, int(settings["train_args"][settings["train_args"].index("--max_steps") + 1]))
    timing.to_csv(a.study_dir / "timing.csv", index=False)
    threads = os.environ.get("OMP_NUM_THREADS", "default")
    (a.study_dir / "timing.md").write_text(
        f"Step times, measured side by side on {started}: torch {torch.__version__}, OMP_NUM_THREADS={threads}, "
        f"{a.steps} steps of each method at its selected rate, seed 42 (the mean of steps {a.skip + 1} to {a.steps}), {a.rounds} rounds "
        f"in rotated order in one process, "
        f"with: OMP_NUM_THREADS={threads} python benchmarks/study_methods/time_methods.py --steps {a.steps} --rounds {a.rounds}\n\n"
        + table_markdown(table))
    from lora_nb.study import plot_summary
    plot_summary(table, "step_seconds", "seconds per training step (median, side by side)",
                 a.study_dir / "accuracy_vs_step_time.png")
    print(table_markdown(table))

if __name__ == "__main__":
    main()
