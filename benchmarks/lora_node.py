"""What `_LoRAProduct` (notebook 02: each LoRA layer as one autograd node) saves in a whole training step, measured
alone and with more repetitions than step_breakdown.py gives it (see lora_node.txt):

    OMP_NUM_THREADS=2 python benchmarks/lora_node.py [--reps 15]

The same step as step_breakdown.py (GPT-2-small shape, lora_nb's LoRA on all four targets, FastDropout, the batch
lengths of length-grouped SST-2), twice: with the node, and with every LoRA layer composed of separate autograd ops
(`_unfused_forward`, the layer before the node), alternating, in fp32 and under bf16 autocast with bf16 bases.
"""
import argparse, statistics
import torch
from step_breakdown import build, step_seconds          # benchmarks/step_breakdown.py

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=15, help="alternating repetitions of each variant (8 steps each)")
    a = p.parse_args()
    if a.reps < 2: p.error(f"argument --reps: must be 2 or more (quartiles need two repetitions), got {a.reps}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; seconds per step, median of {a.reps} alternating "
          "repetitions of 8 steps; in parentheses the quartiles of the per-repetition ratio\n")
    print("| precision | one node per layer | separate ops | ratio of medians | per-repetition ratio: median (quartiles) |")
    print("|---|---|---|---|---|")
    for bf16 in (False, True):
        models = {"node": build(bf16), "ops": build(bf16, fused=False)}
        for m, o in models.values(): step_seconds(m, o, bf16)            # warm up
        res = {k: [] for k in models}
        for rep in range(a.reps):
            for k in (list(models) if rep % 2 == 0 else list(models)[::-1]): res[k].append(step_seconds(*models[k], bf16))
        ratios = [n / s for n, s in zip(res["node"], res["ops"])]
        q1, q2, q3 = statistics.quantiles(ratios, n=4)
        node, ops = statistics.median(res["node"]), statistics.median(res["ops"])
        print(f"| {'bf16' if bf16 else 'fp32'} | {node:.3f} | {ops:.3f} | {node / ops:.3f}x | {q2:.3f}x ({q1:.3f}x, {q3:.3f}x) |",
              flush=True)

if __name__ == "__main__":
    main()
