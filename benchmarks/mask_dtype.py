"""What FastDropout's mask dtype costs and saves: lora_nb's LoRA training step on the GPT-2-small shape (random
weights) at the lengths of length-grouped SST-2 batches, with every mask held in uint8 against every mask held in the
input's dtype, in one process, the two alternating (see mask_dtype.txt).

    OMP_NUM_THREADS=2 python benchmarks/mask_dtype.py

A uint8 mask is 1 byte an element, but each multiply that applies it (forward, and again backward) first converts it
to the input's dtype; a mask in the input's dtype needs no conversion and takes 4 bytes (fp32) or 2 (bf16). The two
give the same bits: the script checks that both models hold the same weights after the same seeded steps.
"""
import argparse, statistics, types
import torch
from lora_nb.fast import FastDropout
from step_breakdown import B, LENGTHS, REPS, build, step_seconds   # benchmarks/step_breakdown.py: model, batches, step

def mask_in(dtype):
    "A `FastDropout.mask` whose mask is in `dtype` (`None`: the input's dtype); the same lanes and threshold."
    def mask(self, x):
        lanes = torch.randint(-2**63, 2**63 - 1, ((x.numel() + 3) // 4,), dtype=torch.int64).view(torch.int16)
        return torch.ge(lanes[: x.numel()].view(x.shape), self.threshold, out=torch.empty(x.shape, dtype=dtype or x.dtype))
    return mask

def with_masks(model, dtype):
    "`model` with every FastDropout's mask in `dtype`, counting the bytes of the masks it makes."
    model.mask_bytes = 0
    def counting(mask):
        def f(self, x):
            keep = mask(self, x); model.mask_bytes += keep.numel() * keep.element_size(); return keep
        return f
    for mod in model.modules():
        if isinstance(mod, FastDropout): mod.mask = types.MethodType(counting(mask_in(dtype)), mod)
    return model

def main():
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; GPT-2-small shape + lora_nb LoRA (r=8, dropout 0.05, "
          f"all four targets), FastDropout; batches of {B} x T, T in {LENGTHS}; seconds per step, median of {REPS} "
          f"alternating repetitions\n")
    print("| precision | masks in uint8 | masks in the input's dtype | time ratio | mask MB per step, uint8 | in the input's dtype |")
    print("|---|---|---|---|---|---|")
    for bf16 in (False, True):
        (u8, opt_u8), (same, opt_same) = build(bf16), build(bf16)
        with_masks(u8, torch.uint8); with_masks(same, None)
        torch.manual_seed(0); step_seconds(u8, opt_u8, bf16); torch.manual_seed(0); step_seconds(same, opt_same, bf16)
        assert all(torch.equal(p, q) for p, q in zip(u8.parameters(), same.parameters())), "the two masks differ"
        bytes_per_step = {m: m.mask_bytes / len(LENGTHS) for m in (u8, same)}
        res = {u8: [], same: []}
        for rep in range(REPS):
            for m, o in ([(u8, opt_u8), (same, opt_same)] if rep % 2 == 0 else [(same, opt_same), (u8, opt_u8)]):
                res[m].append(step_seconds(m, o, bf16))
        a, b = statistics.median(res[u8]), statistics.median(res[same])
        print(f"| {'bf16' if bf16 else 'fp32'} | {a:.3f} | {b:.3f} | {b / a:.3f} | {bytes_per_step[u8] / 2**20:.0f} | "
              f"{bytes_per_step[same] / 2**20:.0f} |", flush=True)

if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    main()
