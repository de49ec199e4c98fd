"""torch.compile probe: eager vs compiled LoRA training step on the GPT-2-small shape at SST-2 batch lengths (see compile_probe.txt).

    OMP_NUM_THREADS=2 python benchmarks/compile_probe.py
"""
import torch, time, sys, statistics
from transformers import GPT2Config, GPT2ForSequenceClassification
from lora_nb.inject import inject_lora
from lora_nb.fast import use_fast_dropout_
from lora_nb.families import faster_config_
def build():
    torch.manual_seed(0)
    c = GPT2Config(num_labels=2, pad_token_id=50256); faster_config_(c)
    m = GPT2ForSequenceClassification(c); inject_lora(m, verbose=False); use_fast_dropout_(m); return m.train()
eager, comp = build(), build()
t0 = time.perf_counter()
cf = torch.compile(comp, dynamic=True)
def batch(T):
    g = torch.Generator().manual_seed(T)
    return dict(input_ids=torch.randint(0, 50000, (16, T), generator=g), attention_mask=torch.ones(16, T, dtype=torch.long),
                labels=torch.randint(0, 2, (16,), generator=g))
def step(f, b):
    loss = f(**b).loss; loss.backward()
b = batch(12); step(cf, b)
print("first compiled step (compile)", time.perf_counter() - t0, flush=True)
t0 = time.perf_counter(); step(cf, batch(20)); print("second shape", time.perf_counter() - t0, flush=True)
ts = {"eager": [], "compiled": []}
for T in [8, 11, 14, 17, 9, 13, 25, 10]:
    b = batch(T)
    for k, f in (("eager", eager), ("compiled", cf)):
        t = time.perf_counter(); step(f, b); ts[k].append(time.perf_counter() - t)
for k in ts: print(k, statistics.median(ts[k]), sum(ts[k]))
