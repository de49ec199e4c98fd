"""The layouts of `_LoRAProduct`'s two rank-r backward products (issue 27): what they cost at a GPT-2 step's shapes, and
what they change in a whole step, the old layouts against the new, alternating (see rank8_layouts.txt).

    OMP_NUM_THREADS=2 python benchmarks/rank8_layouts.py

- gz = g @ B (g: tokens x out, B: out x r): B row-major as the parameter is stored (old) against a column-major copy
  of it, `B.T.contiguous().T` (new);
- gB = g.T @ z (z: tokens x r): as written (old) against its transpose's product, `(z.T @ g).T` (new).
Both pairs are the same products; only the memory layout the BLAS kernel sees differs.
"""
import statistics, time
import torch
import lora_nb.fast as fast
from step_breakdown import build, step_seconds, LENGTHS, B as BATCH   # benchmarks/step_breakdown.py

R, REPS = 8, 7
WIDTHS = [(768, 2304), (768, 768), (768, 3072), (3072, 768)]   # (in, out) of GPT-2's c_attn, c_proj, c_fc, mlp.c_proj

@staticmethod
@torch.autograd.function.once_differentiable
def old_backward(ctx, g):
    "`_LoRAProduct.backward` before this change: gz = g @ B with B as stored, gB = g.T @ zs."
    w, A, B, h, zs, keep = ctx.saved_tensors
    g2 = g.reshape(-1, g.shape[-1])
    gz = (g2 @ B).mul_(ctx.coef)
    gx = None
    if ctx.needs_input_grad[0]:
        gx = g2 @ w.T
        if keep is None: gx.addmm_(gz, A)
        else: gx.add_((gz @ A).mul_(keep.view(gx.shape)))
        gx = gx.view(*g.shape[:-1], gx.shape[-1])
    gA = gz.T @ h if ctx.needs_input_grad[3] else None
    gB = g2.T @ zs if ctx.needs_input_grad[4] else None
    return gx, None, None, gA, gB, None, None

def products_seconds(dtype, new: bool, n=20) -> float:
    "Seconds for both products of every LoRA layer of a 12-block step, summed over the batch lengths, per batch."
    total = 0.0
    for T in LENGTHS:
        for _, out in WIDTHS:
            g, B, z = torch.randn(BATCH * T, out, dtype=dtype), torch.randn(out, R, dtype=dtype), torch.randn(BATCH * T, R, dtype=dtype)
            run = (lambda: (g @ B.T.contiguous().T, (z.T @ g).T)) if new else (lambda: (g @ B, g.T @ z))
            run()
            t = time.perf_counter()
            for _ in range(n): run()
            total += (time.perf_counter() - t) / n * 12
    return total / len(LENGTHS)

def main():
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; GPT-2-small shape, LoRA r={R} on all four targets; "
          f"batches of {BATCH} x T, T in {LENGTHS}; medians of {REPS} alternating repetitions\n")
    print("| precision | two products, old layouts (ms per step) | new layouts | products new vs old | whole step, old (s) | "
          "new (s) | step new vs old |")
    print("|---|---|---|---|---|---|---|")
    new_backward = fast._LoRAProduct.backward
    for dtype in (torch.float32, torch.bfloat16):
        bf16 = dtype == torch.bfloat16
        models = {"old": build(bf16), "new": build(bf16)}
        def step(k):
            fast._LoRAProduct.backward = old_backward if k == "old" else new_backward
            try: return step_seconds(*models[k], bf16)
            finally: fast._LoRAProduct.backward = new_backward
        for k in models: step(k)                                   # warm up
        res = {k: [] for k in ("old", "new", "products old", "products new")}
        for rep in range(REPS):
            for k in (list(res) if rep % 2 == 0 else list(res)[::-1]):
                res[k].append(products_seconds(dtype, k.endswith("new")) if k.startswith("products") else step(k))
        po, pn, so, sn = (statistics.median(res[k]) for k in ("products old", "products new", "old", "new"))
        print(f"| {'bf16' if bf16 else 'fp32'} | {po * 1e3:.1f} | {pn * 1e3:.1f} | {pn / po:.2f}x | {so:.3f} | {sn:.3f} | "
              f"{sn / so:.3f}x |", flush=True)

if __name__ == "__main__":
    main()
