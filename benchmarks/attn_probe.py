"""Attention kernel probe: PyTorch's scaled-dot-product attention ("sdpa", transformers' default) against the plain
matmul-softmax-matmul ("eager") in lora_nb's LoRA training step and in prediction, on the GPT-2-small shape at SST-2
batch lengths (random weights), in one process, the two models alternating (see attn_probe.txt).

    OMP_NUM_THREADS=2 python benchmarks/attn_probe.py           # the in-process table of attn_probe.txt
    python benchmarks/attn_probe.py --real --rounds 2            # the seed's command, with and without the flag

Training: batches of 16 x T, T the lengths of length-grouped SST-2 batches; the step is forward + backward + AdamW,
with the dropouts `lora_nb.train` uses (FastDropout). Prediction: batches of 64 validation-like lengths, no grad.
`--real`: `python -m lora_nb.train` (the seed's flags, 40 steps) on the GPT-2-small shape saved with the real tokenizer
(benchmarks/real_workload.py makes it) and real SST-2, with and without `--attn_implementation eager`, each in its own
process, alternating; train seconds per step and prediction seconds from each run's metrics.json.
"""
import json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from step_breakdown import build, batch, step_seconds, LENGTHS as TRAIN_T   # the same model, batches and step

PREDICT_T, REPS = [14, 20, 26, 34, 48], 5

def predict_seconds(model, bf16):
    model.eval(); t = time.perf_counter()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for i, T in enumerate(PREDICT_T): model(**batch(64, T, 100 + i))
    return (time.perf_counter() - t) / len(PREDICT_T)

def real(rounds: int, steps: int = 40):
    sys.path.insert(0, str(Path(__file__).parent))
    from real_workload import make_model
    model = make_model(Path("/tmp/real_workload/gpt2-shape"), Path("../shared/models/gpt2-tokenizer"))
    seed_cmd = ["--max_steps", steps, "--batch_size", 16, "--r", 8, "--alpha", 16, "--dropout", 0.05]
    variants = [(p, k) for p in ("fp32", "bf16") for k in ("sdpa", "eager")]
    res = {v: [] for v in variants}
    for rnd in range(rounds):
        for p, k in (variants if rnd % 2 == 0 else variants[::-1]):
            out = Path(tempfile.mkdtemp())
            cmd = [sys.executable, "-m", "lora_nb.train", *seed_cmd, "--model", model, "--data_dir", "../shared/data/sst2",
                   "--output_dir", out, *(["--bf16"] if p == "bf16" else []), *(["--attn_implementation", k] if k == "eager" else [])]
            r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
            if r.returncode: sys.exit(r.stderr[-2000:])
            m = json.loads((out / "metrics.json").read_text()); res[p, k].append((m["seconds_per_step"], m["predict_seconds"]))
    print(f"`python -m lora_nb.train --max_steps {steps} --batch_size 16 --r 8 --alpha 16 --dropout 0.05 [--bf16] "
          f"[--attn_implementation eager]` on the GPT-2-small shape, real tokenizer, real SST-2; median of {rounds} alternating rounds\n")
    print("| precision | sdpa train s / step | eager train s / step | eager / sdpa | sdpa predict s | eager predict s | eager / sdpa |\n|---|---|---|---|---|---|---|")
    for p in ("fp32", "bf16"):
        (ts, ps), (te, pe) = ([statistics.median(x[i] for x in res[p, k]) for i in (0, 1)] for k in ("sdpa", "eager"))
        print(f"| {p} | {ts:.3f} | {te:.3f} | {te / ts:.2f} | {ps:.1f} | {pe:.1f} | {pe / ps:.2f} |", flush=True)

def main():
    if "--real" in sys.argv:
        real(int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 2); return

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; GPT-2-small shape + lora_nb LoRA (r=8, dropout 0.05), "
          f"FastDropout; train: batches of 16 x T, T in {TRAIN_T}; predict: batches of 64 x T, T in {PREDICT_T}; "
          f"median of {REPS} alternating repetitions\n")
    print("| precision | what | sdpa s / batch | eager s / batch | eager / sdpa |\n|---|---|---|---|---|")
    for bf16 in (False, True):
        models = {a: build(bf16, attn=a) for a in ("sdpa", "eager")}
        for a, (m, o) in models.items(): step_seconds(m, o, bf16); predict_seconds(m, bf16)   # warm up
        res = {(a, w): [] for a in models for w in ("train", "predict")}
        for rep in range(REPS):
            for a in (list(models) if rep % 2 == 0 else list(models)[::-1]):
                m, o = models[a]
                res[a, "train"].append(step_seconds(m, o, bf16)); res[a, "predict"].append(predict_seconds(m, bf16))
        for w in ("train", "predict"):
            s, e = statistics.median(res["sdpa", w]), statistics.median(res["eager", w])
            print(f"| {'bf16' if bf16 else 'fp32'} | {w} step | {s:.3f} | {e:.3f} | {e / s:.2f} |", flush=True)

if __name__ == "__main__":
    main()
