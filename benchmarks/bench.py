"""Speed and memory of lora_nb's fine-tuning methods, and of lora_nb's LoRA against HF PEFT's, on the GPT-2 small
shape (random weights: they cost the same as real ones), measured side by side in one process.

    pip install -e ".[bench]"
    python benchmarks/bench.py                    # writes benchmarks/results.md, .json and .png

Every timing is the median of `--reps` runs, the implementations being compared alternating run by run, so a
noisy neighbour slows all of them alike; ratios are what to read. Memory is counted, not sampled: the bytes of
the weights, gradients, optimizer state and the activations autograd saves for backward in one training step
(on a GPU the CUDA peak allocation is reported too). The ceiling (section 4) is timed in the same rounds as the
steps it is read against: a 2048x2048 matmul, and the step's own frozen matmuls alone at the batch's shapes.
"""
from __future__ import annotations
import argparse, contextlib, copy, json, platform, statistics, sys, time
from pathlib import Path
import torch
from transformers import GPT2Config, GPT2ForSequenceClassification
from transformers.utils import logging as hf_logging
from lora_nb.families import faster_config_
from lora_nb.fast import use_fast_dropout_, head_rows_only
from lora_nb.inject import inject_lora, merge_lora_, cast_lora_bases_, count_parameters
from lora_nb.adapters import inject_adapters
from lora_nb.prompt import SoftPromptClassifier
from lora_nb.full import prepare_full_finetune
from lora_nb.methods import _positive          # argparse type: a number > 0, refused in one line otherwise

hf_logging.set_verbosity_error()
DEV = torch.device("cuda" if torch.cuda.is_available() else "cpu")

def gpt2_small(seed=0, faster=False):
    "GPT-2 small (random weights); `faster=True`: the config as lora_nb's runner loads it (`faster_config_`, notebook 03)."
    torch.manual_seed(seed)
    config = GPT2Config(num_labels=2, pad_token_id=50256)
    if faster: faster_config_(config)
    return GPT2ForSequenceClassification(config).to(DEV)

def make_batch(batch_size, seq_len, seed=0):
    "A right-padded batch whose lengths spread like SST-2's (a third of the longest to the longest)."
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(max(1, seq_len // 3), seq_len + 1, (batch_size,), generator=g)
    lengths[0] = seq_len
    ids = torch.randint(0, 50000, (batch_size, seq_len), generator=g)
    mask = (torch.arange(seq_len)[None] < lengths[:, None]).long()
    ids = ids.masked_fill(mask == 0, 50256)
    return {"input_ids": ids.to(DEV), "attention_mask": mask.to(DEV), "labels": torch.randint(0, 2, (batch_size,), generator=g).to(DEV)}

def sync():
    if DEV.type == "cuda": torch.cuda.synchronize()

class Trainee:
    "A model with its AdamW, and a `step()` that does forward + backward + optimizer step (dropouts swapped, and the last "
    "feed-forward on the head's rows, as lora_nb's runner trains; `head_rows=False` for PEFT's recipe)."
    def __init__(self, name, model, batch, lr=1e-4, autocast=False, fast_dropout=True, head_rows=True):
        if fast_dropout: use_fast_dropout_(model)
        self.hooks = contextlib.ExitStack()                # head_rows_only for the trainee's life, as `fit` trains
        if head_rows: self.hooks.enter_context(head_rows_only(model))
        self.name, self.model, self.batch, self.autocast = name, model.train(), batch, autocast
        self.opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    def step(self):
        with torch.autocast(DEV.type, dtype=torch.bfloat16, enabled=self.autocast):
            loss = self.model(**self.batch).loss
        loss.backward(); self.opt.step(); self.opt.zero_grad(set_to_none=True)
        return loss

def step_memory(t: Trainee) -> int:
    "Bytes held during one training step: weights + gradients + AdamW state + activations saved for backward."
    storages = lambda ts: {x.untyped_storage().data_ptr(): x.untyped_storage().nbytes() for x in ts}
    params = storages(t.model.parameters())
    saved = {}
    def pack(x):
        saved[x.untyped_storage().data_ptr()] = x.untyped_storage().nbytes(); return x
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda x: x):
        with torch.autocast(DEV.type, dtype=torch.bfloat16, enabled=t.autocast):
            loss = t.model(**t.batch).loss
    loss.backward()
    grads = storages(p.grad for p in t.model.parameters() if p.grad is not None)
    t.opt.step()
    state = storages(v for s in t.opt.state.values() for v in s.values() if torch.is_tensor(v) and v.dim() > 0)
    t.opt.zero_grad(set_to_none=True)
    activations = {k: v for k, v in saved.items() if k not in params}
    return sum(params.values()) + sum(grads.values()) + sum(state.values()) + sum(activations.values())

def timed(fn):
    sync(); t = time.perf_counter(); fn(); sync(); return time.perf_counter() - t

def alternate(fns: dict, reps: int, warmup: int = 2) -> dict:
    "Median seconds of each callable, the callables run in turn `reps` times (after `warmup` untimed rounds)."
    for _ in range(warmup):
        for f in fns.values(): f()
    times = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items(): times[k].append(timed(f))
    return {k: statistics.median(v) for k, v in times.items()}

def peft_lora(batch, autocast=False, fast_dropout=False):
    "HF PEFT's LoRA as a user runs it; `fast_dropout=True` swaps all its dropouts (LoRA's too) for lora_nb's."
    from peft import LoraConfig, get_peft_model
    cfg = LoraConfig(task_type="SEQ_CLS", r=8, lora_alpha=16, lora_dropout=0.05,
                     target_modules=["c_attn", "c_proj", "c_fc"], fan_in_fan_out=True)
    return Trainee("peft lora", get_peft_model(gpt2_small(), cfg), batch, autocast=autocast, fast_dropout=fast_dropout,
                   head_rows=False)

def ours_lora(batch, bf16_bases=False, autocast=False, fast_dropout=True):
    "lora_nb's LoRA as its runner trains it (the model's own dropouts swapped for `FastDropout`, notebook 01)."
    m = gpt2_small(faster=True); inject_lora(m, r=8, alpha=16, dropout=0.05, verbose=False)
    if bf16_bases: cast_lora_bases_(m, torch.bfloat16)
    return Trainee("lora_nb lora", m, batch, autocast=autocast, fast_dropout=fast_dropout)

def big_matmul(dtype, n=2048):
    "An n x n matrix multiply (the machine's rate, the usual yardstick), as `(callable, flops)`."
    a, b = torch.randn(n, n, device=DEV, dtype=dtype), torch.randn(n, n, device=DEV, dtype=dtype)
    return (lambda: a @ b), 2 * n**3

def frozen_matmuls(dtype, tokens, layers=12, head_rows=None):
    "The frozen layers' matrix multiplies of one GPT-2-small LoRA step over `tokens` rows (forward x @ W + b, backward "
    "dy @ W.T: the input gradient; frozen weights get none), alone, as `(callable, flops)`: the floor of the step. "
    "`head_rows`: the last block's feed-forward on that many rows (lora_nb's `head_rows_only`: one per sentence)."
    shapes = [(768, 2304), (768, 768), (768, 3072), (3072, 768)]           # c_attn, attn c_proj, c_fc, mlp c_proj
    mk = lambda *s: torch.randn(*s, device=DEV, dtype=dtype)
    ops = [(mk(tokens, k), mk(k, n), mk(n), mk(tokens, n)) for k, n in shapes]
    last = ops[:2] + [(mk(head_rows, k), w, b, mk(head_rows, n)) for (k, n), (_, w, b, _) in zip(shapes[2:], ops[2:])] if head_rows else ops
    def run():
        for layer in range(layers):
            for x, w, b, dy in (last if layer == layers - 1 else ops): torch.addmm(b, x, w); dy @ w.T
    return run, sum(4 * x.shape[0] * w.shape[0] * w.shape[1] for layer in range(layers)
                    for x, w, _, _ in (last if layer == layers - 1 else ops))

def matmul_rates(dtype, tokens, head_rows) -> dict:
    "The two yardsticks' callables and flops: the n x n matmul and the step's own frozen matmuls."
    return {"matmul 2048x2048": big_matmul(dtype), "frozen matmuls alone": frozen_matmuls(dtype, tokens, head_rows=head_rows)}

def step_flops(model, tokens, head_rows) -> int:
    "The matrix-multiply flops of lora_nb's LoRA step on GPT-2 (forward + input gradient: 4 per weight and row), the "
    "last block's feed-forward on `head_rows` rows."
    weights = lambda keep: sum(p.numel() for n, p in model.named_parameters() if keep(n) and "wte" not in n and "wpe" not in n and "lora_" not in n)
    last = f"h.{model.config.n_layer - 1}.mlp."
    return 4 * (weights(lambda n: True) * tokens - weights(lambda n: last in n) * (tokens - head_rows))

NAMES = {"ours": "lora_nb", "peft": "HF PEFT", "ours_nn": "lora_nb, model keeps nn.Dropout"}

def plot(R: dict, path: Path):
    "Bars of seconds per step and step memory for sections 1, 2 and 5; the reference bar of each section in grey."
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    parts = [(k, title, ref) for k, title, ref in [("lora_vs_peft", "1. LoRA step, fp32", "peft"), ("methods", "2. methods, fp32", "lora"),
             ("bf16", "5. LoRA step, bf16", "peft autocast")] if k in R]
    if not parts: return
    bars_per_part = [len(R[k]["seconds"]) for k, _, _ in parts]
    fig, axes = plt.subplots(len(parts), 2, figsize=(13, 0.8 + 0.8 * len(parts) + 0.32 * sum(bars_per_part)),
                             squeeze=False, gridspec_kw={"height_ratios": bars_per_part})
    for row, (k, title, ref) in zip(axes, parts):
        names = list(R[k]["seconds"])
        for ax, values, unit, scale, fmt in [(row[0], R[k]["seconds"], "s / step", 1, "{:.3f}"),
                                             (row[1], R[k]["memory_bytes"], "step memory (MB)", 2**-20, "{:,.0f}")]:
            v = [values[n] * scale for n in names]
            bars = ax.barh([NAMES.get(n, n) for n in names], v, color=["#bbb" if n == ref else "#3a7dc9" for n in names])
            for b, n, x in zip(bars, names, v):
                ax.text(x, b.get_y() + b.get_height() / 2, f" {fmt.format(x)}  ({values[n] / values[ref]:.2f}x)", va="center", fontsize=8)
            ax.invert_yaxis(); ax.set_xlim(0, max(v) * 1.45); ax.set_xlabel(unit); ax.tick_params(axis="y", labelsize=8)
        row[0].set_title(f"{title}: time (grey = reference)", fontsize=9, loc="left"); row[1].set_title(f"{title}: memory", fontsize=9, loc="left")
    fig.tight_layout(); fig.savefig(path, dpi=110); plt.close(fig)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=_positive(int), default=7)
    p.add_argument("--batch_size", type=_positive(int), default=16)
    p.add_argument("--seq_len", type=_positive(int), default=32, help="padded length of the batch (SST-2 batches of 16: ~25-40 GPT-2 tokens)")
    p.add_argument("--out", default="benchmarks/results")
    p.add_argument("--skip", nargs="*", default=[], choices=["peft", "methods", "inference", "bf16"])
    args = p.parse_args(argv)
    batch = make_batch(args.batch_size, args.seq_len)
    tokens = int(batch["attention_mask"].numel())
    R = {"device": str(DEV) if DEV.type == "cpu" else torch.cuda.get_device_name(), "torch": torch.__version__,
         "threads": torch.get_num_threads(), "batch_size": args.batch_size, "seq_len": args.seq_len, "reps": args.reps,
         "cpu": platform.processor() or platform.machine()}
    lines = [f"# lora_nb benchmarks\n", f"`python benchmarks/bench.py` on {R['device']} ({R['cpu']}, {R['threads']} threads), "
             f"torch {R['torch']}; GPT-2 small shape (random weights), batch {args.batch_size} x {args.seq_len} tokens; "
             f"medians of {args.reps} alternating runs.\n"]
    def section(title, rows, head):
        block = [f"\n## {title}\n\n| " + " | ".join(head) + " |\n|" + "---|" * len(head)]
        block += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
        lines.extend(block)
        print("\n".join(block), flush=True)

    # 4. the ceiling: matmul rates, timed in the same rounds as the steps they are read against (this machine's
    # rates move by tens of percent from minute to minute, so a rate measured apart would not compare)
    yardsticks = {prec: matmul_rates(dtype, tokens, args.batch_size) for prec, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16))}
    def rates(precision, t):
        "GFLOP/s of the yardsticks of `precision`, from their medians in `t`."
        R[f"matmul_gflops_{precision}"] = {k: flops / t[k] / 1e9 for k, (_, flops) in yardsticks[precision].items()}

    if "peft" not in args.skip:   # 1. lora_nb vs PEFT, fp32
        ours, theirs, ours_nn = ours_lora(batch), peft_lora(batch), ours_lora(batch, fast_dropout=False)
        assert count_parameters(ours.model)[0] == count_parameters(theirs.model)[0], "trainable counts differ"
        t = alternate({"ours": ours.step, "peft": theirs.step, "ours_nn": ours_nn.step,
                       **{k: f for k, (f, _) in yardsticks["fp32"].items()}}, args.reps)
        rates("fp32", t)
        t = {k: t[k] for k in ("ours", "peft", "ours_nn")}
        mem = {"ours": step_memory(ours), "peft": step_memory(theirs), "ours_nn": step_memory(ours_nn)}
        R["lora_vs_peft"] = {"seconds": t, "memory_bytes": mem, "trainable": count_parameters(ours.model)[0],
                             "time_ratio": t["ours"] / t["peft"], "memory_ratio": mem["ours"] / mem["peft"],
                             "achieved_gflops": step_flops(ours.model, tokens, args.batch_size) / t["ours"] / 1e9}
        section("1. LoRA training step: lora_nb vs HF PEFT (fp32, r=8, same targets)", [
            ["lora_nb", f"{t['ours']:.3f}", f"{mem['ours'] / 2**20:,.0f}", f"{t['ours'] / t['peft']:.2f}", f"{mem['ours'] / mem['peft']:.3f}"],
            ["HF PEFT", f"{t['peft']:.3f}", f"{mem['peft'] / 2**20:,.0f}", "1.00", "1.000"],
            ["lora_nb, model keeps nn.Dropout", f"{t['ours_nn']:.3f}", f"{mem['ours_nn'] / 2**20:,.0f}", f"{t['ours_nn'] / t['peft']:.2f}", f"{mem['ours_nn'] / mem['peft']:.3f}"]],
            ["implementation", "s / step", "step memory (MB)", "time ratio", "memory ratio"])
        del ours, theirs, ours_nn

    if "methods" not in args.skip:   # 2. the methods against each other
        def full():
            return Trainee("full", prepare_full_finetune(gpt2_small(), verbose=False), batch, lr=5e-5)
        def adapter():
            m = gpt2_small(); inject_adapters(m, 64, verbose=False); return Trainee("adapter", m, batch)
        def prompt():
            return Trainee("prompt", SoftPromptClassifier(gpt2_small(), 20, verbose=False), batch)
        trainees = [ours_lora(batch), full(), adapter(), prompt()]
        names = ["lora", "full", "adapter", "prompt"]
        t = alternate(dict(zip(names, (x.step for x in trainees))), max(3, args.reps // 2))
        mem = {n: step_memory(x) for n, x in zip(names, trainees)}
        counts = {n: count_parameters(x.model)[0] for n, x in zip(names, trainees)}
        R["methods"] = {"seconds": t, "memory_bytes": mem, "trainable": counts}
        section("2. Training step by method (fp32; prompt: 20 virtual tokens; adapter: size 64)", [
            [n, f"{counts[n]:,}", f"{t[n]:.3f}", f"{t[n] / t['lora']:.2f}", f"{mem[n] / 2**20:,.0f}", f"{mem[n] / mem['lora']:.2f}"] for n in names],
            ["method", "trainable params", "s / step", "vs LoRA", "step memory (MB)", "vs LoRA"])
        del trainees

    if "inference" not in args.skip:   # 3. inference
        base = gpt2_small().eval()
        unmerged = copy.deepcopy(base); inject_lora(unmerged, verbose=False); unmerged.eval()
        with torch.no_grad():
            for l in unmerged.modules():
                if hasattr(l, "lora_B"): l.lora_B.normal_(0, 0.02)
        merged = merge_lora_(copy.deepcopy(unmerged)).eval()
        adapters = copy.deepcopy(base); inject_adapters(adapters, 64, verbose=False); adapters.eval()
        models = {"base": base, "lora merged": merged, "lora unmerged": unmerged, "adapters": adapters}
        if "peft" not in args.skip:   # what lora_nb's unmerged overhead compares with (B's values do not change the cost)
            models["peft lora unmerged"] = peft_lora(batch).model.eval()
        fwd = {k: v for k, v in batch.items() if k != "labels"}
        with torch.no_grad():
            t = alternate({k: (lambda m=m: m(**fwd)) for k, m in models.items()}, args.reps * 2)
        R["inference"] = {"seconds": t}
        section("3. Inference (forward, no grad)", [[k, f"{v * 1e3:.1f}", f"{v / t['base']:.2f}"] for k, v in t.items()],
                ["model", "ms / batch", "vs base"])
        del models, base, merged, unmerged, adapters

    if "bf16" not in args.skip:   # 5. bf16
        trainees = {   # lora_nb as its runner trains with --bf16 first; the last two rows show where the gain comes from
            "ours bf16 bases + autocast": ours_lora(batch, bf16_bases=True, autocast=True),
            "ours bf16 bases (no autocast)": ours_lora(batch, bf16_bases=True),
            "ours fp32": ours_lora(batch),
            "peft autocast": peft_lora(batch, autocast=True),
            "ours bf16 bases + autocast, model keeps nn.Dropout": ours_lora(batch, bf16_bases=True, autocast=True, fast_dropout=False),
            "peft autocast, all dropouts swapped for FastDropout": peft_lora(batch, autocast=True, fast_dropout=True)}
        t = alternate({**{k: x.step for k, x in trainees.items()}, **{k: f for k, (f, _) in yardsticks["bf16"].items()}}, args.reps)
        rates("bf16", t)
        t = {k: t[k] for k in trainees}
        mem = {k: step_memory(x) for k, x in trainees.items()}
        R["bf16"] = {"seconds": t, "memory_bytes": mem,
                     "achieved_gflops": step_flops(trainees["ours fp32"].model, tokens, args.batch_size) / t["ours bf16 bases + autocast"] / 1e9}
        section("5. bf16: frozen bases stored in bf16 (lora_nb) vs bf16 autocast (PEFT)", [
            [k, f"{t[k]:.3f}", f"{t[k] / t['peft autocast']:.2f}", f"{mem[k] / 2**20:,.0f}", f"{mem[k] / mem['peft autocast']:.2f}"] for k in t],
            ["LoRA step", "s / step", "vs PEFT autocast", "step memory (MB)", "vs PEFT autocast"])
        del trainees

    # 4. the ceiling
    rows = []
    for precision, key, step in [("fp32", "lora_vs_peft", "lora_nb LoRA step, fp32"), ("bf16", "bf16", "lora_nb LoRA step, --bf16 (bf16 bases + autocast)")]:
        if key not in R: continue
        big, alone = R[f"matmul_gflops_{precision}"]["matmul 2048x2048"], R[f"matmul_gflops_{precision}"]["frozen matmuls alone"]
        g = R[key]["achieved_gflops"]
        rows += [[f"{precision} matmul 2048x2048", f"{big:.0f}", "", ""],
                 [f"the step's frozen matmuls alone, {precision}, at its shapes", f"{alone:.0f}", f"{alone / big:.0%}", ""],
                 [f"{step} (4 x weights x tokens, the last feed-forward on the head's rows)", f"{g:.0f}", f"{g / big:.0%}", f"{g / alone:.0%}"]]
    if rows: section("4. The limit: matrix-multiply rate and the LoRA step's achieved rate (timed in the same rounds as the steps)",
                     rows, ["what", "GFLOP/s", "of the 2048x2048 rate", "of the frozen matmuls' rate"])
    out = Path(args.out)
    md = out.with_suffix(".md")                      # keep the real-workload section (benchmarks/real_workload.py)
    marker = "<!-- real workload: benchmarks/real_workload.py writes below this line -->"
    tail = marker + md.read_text().split(marker, 1)[1] if md.is_file() and marker in md.read_text() else ""
    md.write_text("\n".join(lines) + "\n" + ("\n" + tail if tail else ""))
    out.with_suffix(".json").write_text(json.dumps(R, indent=1, default=float) + "\n")
    plot(R, out.with_suffix(".png"))
    print(f"\nwrote {out.with_suffix('.md')}, {out.with_suffix('.json')} and {out.with_suffix('.png')}")

if __name__ == "__main__":
    main()
