"""Where a LoRA training step's time goes on the CPU: lora_nb's step on the GPT-2-small shape (random weights) at the
lengths of length-grouped SST-2 batches, against the same step with one cost taken away, in one process, the variants
alternating (see step_breakdown.txt).

    OMP_NUM_THREADS=2 python benchmarks/step_breakdown.py

- "base matmuls alone": only the frozen layers' matrix multiplies the step needs (forward, and the input gradient in
  backward), on tensors of the step's shapes: the floor no change to the rest can go below;
- "no FastDropout": LoRA's and the model's FastDropout layers at p = 0: what their random masks cost (attention
  dropout stays: at p = 0 sdpa would switch kernels);
- "torch's generator": the same step with the masks' 64-bit draws from torch's own generator (`torch.randint`, what
  FastDropout used before issue 27) instead of numpy's SFC64: what the faster generator saves;
- "GELU -> ReLU": the MLP activation replaced by the cheapest one: what GELU and its gradient cost beyond it;
- "separate LoRA ops": every LoRA layer composed of separate autograd ops (`_unfused_forward`, what it was before
  `_LoRAProduct`) instead of one autograd node: what the node saves;
- "all rows": the last block's feed-forward on every row, not only the rows the head reads (`head_rows_only`, which
  every other variant trains inside, as `fit` does): what computing only those rows saves.
"torch's generator" and "GELU -> ReLU" change what is computed; they are measurements, not options.
"""
import contextlib, statistics, time
import torch
import lora_nb.fast
from transformers import GPT2Config, GPT2ForSequenceClassification
from transformers.utils import logging as hf_logging
from lora_nb.families import faster_config_
from lora_nb.fast import use_fast_dropout_, head_rows_only
from lora_nb.inject import inject_lora, cast_lora_bases_
from bench import frozen_matmuls                      # benchmarks/bench.py: the step's frozen matmuls alone

hf_logging.set_verbosity_error()
LENGTHS, REPS, B = [8, 11, 14, 17, 9, 13, 25, 10], 7, 16      # the batch lengths of compile_probe.py and attn_probe.py

def build(bf16, dropout=True, gelu=True, attn="sdpa", fused=True):
    "lora_nb's LoRA on the GPT-2-small shape as the runner trains it (seed 0), with its AdamW; the knobs take one cost away."
    torch.manual_seed(0)
    c = GPT2Config(num_labels=2, pad_token_id=50256); faster_config_(c)
    m = GPT2ForSequenceClassification(c)
    m.config._attn_implementation = attn                   # what from_pretrained(..., attn_implementation=attn) sets
    inject_lora(m, verbose=False); use_fast_dropout_(m)
    if bf16: cast_lora_bases_(m)
    if not dropout:
        for name, mod in m.named_modules():
            if type(mod).__name__ == "FastDropout" and not name.endswith("attn_dropout"): mod.p = 0.0
    if not gelu:
        for blk in m.transformer.h: blk.mlp.act = torch.nn.ReLU()
    if not fused:                                          # the separate ops in every LoRA layer
        for mod in m.modules():
            if hasattr(mod, "_can_fuse"): mod._can_fuse = lambda x, autocast: False
    return m.train(), torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=1e-4)

def torch_lanes(n: int) -> torch.Tensor:
    "FastDropout's lanes before issue 27: `n` int16 lanes, four per 64-bit draw of torch's generator (mt19937)."
    return torch.randint(-2**63, 2**63 - 1, ((n + 3) // 4,), dtype=torch.int64).view(torch.int16)[:n]

def batch(n, T, seed):
    "An unpadded batch of `n` random sentences of `T` tokens, with labels."
    g = torch.Generator().manual_seed(seed)
    return dict(input_ids=torch.randint(0, 50000, (n, T), generator=g), attention_mask=torch.ones(n, T, dtype=torch.long),
                labels=torch.randint(0, 2, (n,), generator=g))

def step_seconds(model, opt, bf16, lanes=None, head_rows=True):
    "Seconds per training step (forward, backward, AdamW) over the batches of `LENGTHS`; `lanes`: FastDropout's draws instead; "
    "`head_rows=False`: the last feed-forward on every row."
    model.train(); saved = lora_nb.fast.random_lanes
    if lanes is not None: lora_nb.fast.random_lanes = lanes
    try:
        with head_rows_only(model) if head_rows else contextlib.nullcontext():
            return _steps(model, opt, bf16)
    finally: lora_nb.fast.random_lanes = saved

def _steps(model, opt, bf16):
    t = time.perf_counter()
    for i, T in enumerate(LENGTHS):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16): loss = model(**batch(B, T, i)).loss
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    return (time.perf_counter() - t) / len(LENGTHS)

def matmuls_seconds(matmuls) -> float:
    "Seconds per step of the frozen matmuls alone: `matmuls` holds one `bench.frozen_matmuls` callable per batch length."
    t = time.perf_counter()
    for run in matmuls: run()
    return (time.perf_counter() - t) / len(matmuls)

def main():
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; GPT-2-small shape + lora_nb LoRA (r=8, dropout 0.05, "
          f"all four targets), FastDropout; batches of {B} x T, T in {LENGTHS} (mean {sum(LENGTHS) / len(LENGTHS):.1f}); "
          f"seconds per step, median of {REPS} alternating repetitions\n")
    print("| precision | whole step | all rows | separate LoRA ops | torch's generator | base matmuls alone | no FastDropout | "
          "GELU -> ReLU | matmuls' share | masks' share | GELU's share | step vs all rows | step vs separate LoRA ops | "
          "step vs torch's generator |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for bf16 in (False, True):
        models = {"whole": build(bf16), "all rows": build(bf16), "separate ops": build(bf16, fused=False), "torch masks": build(bf16),
                  "no dropout": build(bf16, dropout=False),
                  "no gelu": build(bf16, gelu=False)}
        how = {"torch masks": dict(lanes=torch_lanes), "all rows": dict(head_rows=False)}
        # the frozen layers' forward x @ W + b and backward dy @ W.T at each batch length, inputs made beforehand, the
        # last feed-forward on the head's B rows as the step computes it
        matmuls = [frozen_matmuls(torch.bfloat16 if bf16 else torch.float32, B * T, head_rows=B)[0] for T in LENGTHS]
        for k, (m, o) in models.items(): step_seconds(m, o, bf16, **how.get(k, {}))   # warm up
        matmuls_seconds(matmuls)
        res = {k: [] for k in [*models, "matmuls"]}
        for rep in range(REPS):
            for k in (list(res) if rep % 2 == 0 else list(res)[::-1]):
                res[k].append(matmuls_seconds(matmuls) if k == "matmuls" else step_seconds(*models[k], bf16, **how.get(k, {})))
        w, ar, so, tm, mm, nd, ng = (statistics.median(res[k]) for k in ("whole", "all rows", "separate ops", "torch masks", "matmuls",
                                                                         "no dropout", "no gelu"))
        print(f"| {'bf16' if bf16 else 'fp32'} | {w:.3f} | {ar:.3f} | {so:.3f} | {tm:.3f} | {mm:.3f} | {nd:.3f} | {ng:.3f} | {mm / w:.0%} | "
              f"{(w - nd) / w:.0%} | {(w - ng) / w:.0%} | {w / ar:.2f}x | {w / so:.2f}x | {w / tm:.2f}x |", flush=True)

if __name__ == "__main__":
    main()
