"""The seed's command on the real workload: GPT-2-small shape, GPT-2's real tokenizer, real SST-2, per-batch padding.

    python benchmarks/real_workload.py --tokenizer ../shared/models/gpt2-tokenizer --data_dir ../shared/data/sst2 \
        --work_dir /tmp/real_workload --max_steps 40 --rounds 2 --whole_steps 800

Side by side in one run, each in its own process, one after another, with the same steps, batch (16), learning rate
(5e-4), schedule (6% linear warm-up, linear decay) and seed (42):
- lora_nb: `python -m lora_nb.train --max_steps N --batch_size 16 --r 8 --alpha 16 --dropout 0.05 ...`, with its
  default length-grouped batches and with random ones (`--no-group_by_length`), in fp32 and with `--bf16`;
- the recipe people use instead: HF PEFT LoRA (same targets, r, alpha, dropout) + the `Trainer` +
  `DataCollatorWithPadding`, random batches, `Trainer.predict` for validation; fp32 and bf16 autocast
  (`python benchmarks/real_workload.py recipe ...` runs it alone).
Each reports train seconds per step, the wall time of the whole command (load, tokenize, train, predict, write),
where that time goes, peak RSS, and the padded vs real tokens of its training batches. `--whole_steps N` then runs
the whole seed command for N steps (lora_nb, lora_nb --bf16, the recipe in fp32), once each, for its wall time. The model has random
weights (GPT-2's cannot be downloaded here; random weights cost the same). Writes benchmarks/real_workload.json and
the "Real workload" section of benchmarks/results.md.
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = "<!-- real workload: benchmarks/real_workload.py writes below this line -->"


def make_model(path: Path, tokenizer_dir: Path) -> Path:
    "A GPT-2-small-shape model (random weights, seed 0) saved with GPT-2's real tokenizer files."
    if (path / "config.json").is_file(): return path
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel
    torch.manual_seed(0)
    GPT2LMHeadModel(GPT2Config()).save_pretrained(path)
    AutoTokenizer.from_pretrained(tokenizer_dir).save_pretrained(path)
    return path


class CountingCollator:
    "`DataCollatorWithPadding`, counting the token slots of each batch and the real tokens among them."
    def __init__(self, tokenizer):
        from transformers import DataCollatorWithPadding
        self.collate, self.slots, self.tokens = DataCollatorWithPadding(tokenizer), 0, 0
    def __call__(self, rows):
        batch = self.collate(rows)
        self.slots += batch["attention_mask"].numel(); self.tokens += int(batch["attention_mask"].sum())
        return batch


def recipe(a):
    "HF PEFT LoRA + Trainer + DataCollatorWithPadding, as its documentation shows; prints one JSON line."
    t0 = time.perf_counter()
    import pandas as pd, torch
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments, set_seed
    set_seed(a.seed)
    tok = AutoTokenizer.from_pretrained(a.model); tok.pad_token = tok.eos_token
    model = AutoModelForSequenceClassification.from_pretrained(a.model, num_labels=2)
    model.config.pad_token_id = tok.pad_token_id
    model = get_peft_model(model, LoraConfig(task_type="SEQ_CLS", r=8, lora_alpha=16, lora_dropout=0.05, fan_in_fan_out=True,
                                             target_modules=["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"]))
    t1 = time.perf_counter()
    read = lambda s: pd.read_csv(Path(a.data_dir) / f"{s}.tsv", sep="\t", quoting=3, keep_default_na=False)
    ds = {s: Dataset.from_pandas(read(s)).map(lambda b: tok(b["sentence"], truncation=True, max_length=128), batched=True,
                                             remove_columns=["sentence"]) for s in ("train", "validation")}
    t2 = time.perf_counter()
    collator = CountingCollator(tok)
    args = TrainingArguments(output_dir=a.output_dir, max_steps=a.max_steps, per_device_train_batch_size=16,
                             per_device_eval_batch_size=64, learning_rate=5e-4, lr_scheduler_type="linear",
                             warmup_steps=int(0.06 * a.max_steps), logging_steps=10, save_strategy="no", report_to="none",
                             seed=a.seed, bf16=a.bf16, use_cpu=not torch.cuda.is_available(), disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=ds["train"], data_collator=collator)
    trainer.train()
    t3 = time.perf_counter()
    slots, tokens = collator.slots, collator.tokens
    out = trainer.predict(ds["validation"])
    t4 = time.perf_counter()
    acc = float((out.predictions.argmax(-1) == out.label_ids).mean())
    print(json.dumps({"load_seconds": t1 - t0, "tokenize_seconds": t2 - t1, "train_seconds": t3 - t2,
                      "predict_seconds": t4 - t3, "seconds_per_step": (t3 - t2) / a.max_steps, "accuracy": acc,
                      "train_slots": slots, "train_tokens": tokens,
                      "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run(cmd, env=None):
    start = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env={**os.environ, **(env or {})})
    if r.returncode != 0: sys.exit(f"failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr[-3000:]}")
    return r, time.perf_counter() - start


def compare(a):
    work = Path(a.work_dir); work.mkdir(parents=True, exist_ok=True)
    model = make_model(work / "gpt2-shape", Path(a.tokenizer))
    env = {"HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": str(a.threads)}
    seed_cmd = ["--batch_size", 16, "--r", 8, "--alpha", 16, "--dropout", 0.05]

    def run_variant(name, flags, bf16, steps, prefix=""):
        "Run one variant for `steps` steps in its own process (`flags` None: the recipe); its metrics and wall seconds."
        out = work / (prefix + name.replace(" ", "_").replace(",", "").replace("+", "").replace("-", ""))
        shutil.rmtree(out, ignore_errors=True)
        if flags is None:
            r, wall = run([sys.executable, __file__, "recipe", "--model", model, "--data_dir", a.data_dir, "--output_dir", out,
                           "--max_steps", steps, *(["--bf16"] if bf16 else [])], env)
            return json.loads(r.stdout.strip().splitlines()[-1]), wall
        _, wall = run([sys.executable, "-m", "lora_nb.train", "--max_steps", steps, *seed_cmd, *flags, "--model", model,
                       "--data_dir", a.data_dir, "--output_dir", out], env)
        return json.loads((out / "metrics.json").read_text()), wall

    rows = []
    variants = [("lora_nb", [], False), ("lora_nb, random batches", ["--no-group_by_length"], False), ("PEFT + Trainer recipe", None, False),
                ("lora_nb --bf16", ["--bf16"], True), ("lora_nb --bf16, random batches", ["--bf16", "--no-group_by_length"], True),
                ("PEFT + Trainer recipe, bf16 autocast", None, True)]
    runs = {name: [] for name, _, _ in variants}
    for rnd in range(a.rounds):                                   # rounds in alternating order: drift on a shared machine cancels
        for name, flags, bf16 in (variants if rnd % 2 == 0 else variants[::-1]):
            m, wall = run_variant(name, flags, bf16, a.max_steps)
            row = {"variant": name, "bf16": bf16, "round": rnd, "wall_seconds": wall, **{k: m.get(k) for k in (
                "seconds_per_step", "train_seconds", "tokenize_seconds", "predict_seconds", "load_seconds", "peak_memory_mb",
                "accuracy", "train_slots", "train_tokens")}}
            if row["load_seconds"] is None:                       # lora_nb: what the phases leave of the wall time
                row["load_seconds"] = wall - sum(m.get(k) or 0 for k in ("train_seconds", "tokenize_seconds", "predict_seconds"))
            runs[name].append(row)
            print(json.dumps(row), flush=True)
    for name, bf16 in [(n, b) for n, _, b in variants]:            # each variant: the median of its rounds, field by field
        rs = runs[name]
        rows.append({"variant": name, "bf16": bf16, "rounds_seconds_per_step": [r["seconds_per_step"] for r in rs],
                     **{k: statistics.median(r[k] for r in rs) for k in rs[0] if k not in ("variant", "bf16", "round")},
                     **{k: rs[0][k] for k in ("train_slots", "train_tokens")}})   # the same batches every round
    fp32 = next(r for r in rows if r["variant"] == "PEFT + Trainer recipe")
    for r in rows:
        r["step_vs_recipe_fp32"] = r["seconds_per_step"] / fp32["seconds_per_step"]
        same = next(x for x in rows if x["variant"].startswith("PEFT") and x["bf16"] == r["bf16"])
        r["step_vs_recipe_same_precision"] = r["seconds_per_step"] / same["seconds_per_step"]
        r["padding_pct"] = 100 * (1 - r["train_tokens"] / r["train_slots"]) if r.get("train_slots") else None
    whole = []
    if a.whole_steps:            # the whole seed command, end to end, against the recipe's, one after another: the third goal
        for name, flags in (("lora_nb", []), ("lora_nb --bf16", ["--bf16"]), ("PEFT + Trainer recipe", None)):
            m, wall = run_variant(name, flags, "--bf16" in (flags or []), a.whole_steps, prefix="whole_")
            w = {"variant": name, "max_steps": a.whole_steps, "wall_seconds": wall, **{k: m.get(k) for k in (
                "train_seconds", "tokenize_seconds", "predict_seconds", "seconds_per_step", "peak_memory_mb", "train_slots", "train_tokens")}}
            w["load_and_write_seconds"] = wall - w["train_seconds"] - w["tokenize_seconds"] - w["predict_seconds"]
            whole.append(w); print(json.dumps(w), flush=True)
        for w in whole: w["wall_vs_recipe"] = w["wall_seconds"] / whole[-1]["wall_seconds"]
    import torch
    meta = {"command": " ".join(sys.argv), "max_steps": a.max_steps, "rounds": a.rounds, "threads": a.threads, "torch": torch.__version__,
            "cpus": os.cpu_count()}
    (HERE / "real_workload.json").write_text(json.dumps({"meta": meta, "rows": rows, "whole": whole}, indent=1) + "\n")
    write_markdown(meta, rows, whole)


def write_markdown(meta, rows, whole=None):
    whole_flag = f" --whole_steps {whole[0]['max_steps']}" if whole else ""
    lines = [MARKER, "", "## Real workload: the seed's command on the GPT-2-small shape, real tokenizer, real SST-2", "",
             f"`python benchmarks/real_workload.py --tokenizer ../shared/models/gpt2-tokenizer --data_dir ../shared/data/sst2 "
             f"--max_steps {meta['max_steps']} --rounds {meta.get('rounds', 1)}{whole_flag}`: each variant in its own process, one after "
             f"another, {meta.get('rounds', 1)} rounds in alternating order, each figure the median of its rounds; {meta['threads']} torch "
             f"threads, torch {meta['torch']}; {meta['max_steps']} steps of 16 sentences, lr 5e-4, seed 42. Random weights "
             "(accuracy is chance and not compared). Wall time is the whole command: load, tokenize, train, predict the 872 "
             "validation sentences, write.", "",
             "| variant | train s / step | vs recipe fp32 | vs recipe, same precision | padding in train batches | wall s | load | tokenize | train | predict | peak RSS (MB) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['variant']} | {r['seconds_per_step']:.3f} | {r['step_vs_recipe_fp32']:.2f}x | "
                     f"{r['step_vs_recipe_same_precision']:.2f}x | {r['padding_pct']:.0f}% ({r['train_tokens']:,} real of "
                     f"{r['train_slots']:,} slots) | {r['wall_seconds']:.0f} | {r['load_seconds']:.0f} | {r['tokenize_seconds']:.0f} | "
                     f"{r['train_seconds']:.0f} | {r['predict_seconds']:.0f} | {r['peak_memory_mb']:,.0f} |")
    if whole:
        lines += ["", f"**The whole seed command, {whole[0]['max_steps']} steps, end to end** (`--whole_steps {whole[0]['max_steps']}`: "
                  "each command once, one after another, after the rounds above; the recipe in fp32, its seed command's "
                  "precision): wall time from start to exit", "",
                  "| command | wall s | vs the recipe's wall time | load and write | tokenize | train | s / step | predict | peak RSS (MB) |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for w in whole:
            lines.append(f"| {w['variant']} | {w['wall_seconds']:.0f} | {w['wall_vs_recipe']:.2f}x | {w['load_and_write_seconds']:.0f} | "
                         f"{w['tokenize_seconds']:.0f} | {w['train_seconds']:.0f} | {w['seconds_per_step']:.3f} | "
                         f"{w['predict_seconds']:.1f} | {w['peak_memory_mb']:,.0f} |")
    path = HERE / "results.md"
    head = path.read_text().split(MARKER)[0].rstrip() + "\n\n" if path.is_file() else ""
    path.write_text(head + "\n".join(lines) + "\n")


def positive(text: str) -> int:
    "An argparse type: an int of 1 or more."
    try: n = int(text)
    except ValueError: n = 0
    if n < 1: raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {text!r}")
    return n

def steps_or_off(text: str) -> int:
    "An argparse type: 0 (off) or a whole number of steps."
    if text.strip() == "0": return 0
    try: return positive(text)
    except argparse.ArgumentTypeError: raise argparse.ArgumentTypeError(f"must be 0 (off) or a whole number of steps, got {text!r}") from None

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd")
    r = sub.add_parser("recipe")
    for q in (p, r):
        q.add_argument("--data_dir", default="../shared/data/sst2")
        q.add_argument("--max_steps", type=positive, default=40)
    r.add_argument("--model", required=True); r.add_argument("--output_dir", required=True)
    r.add_argument("--bf16", action="store_true"); r.add_argument("--seed", type=int, default=42)
    p.add_argument("--tokenizer", default="../shared/models/gpt2-tokenizer")
    p.add_argument("--work_dir", default="/tmp/real_workload")
    p.add_argument("--threads", type=positive, default=os.cpu_count())
    p.add_argument("--rounds", type=positive, default=2, help="run every variant this many times, in alternating order; report medians")
    p.add_argument("--whole_steps", type=steps_or_off, default=0, help="then run the whole seed command for this many steps (e.g. 800): lora_nb, lora_nb --bf16 and the recipe, once each")
    a = p.parse_args()
    recipe(a) if a.cmd == "recipe" else compare(a)


if __name__ == "__main__": main()
