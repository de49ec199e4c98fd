"""HF PEFT's LoRA trained by lora_nb's own loop, for a side-by-side accuracy check on the same data, budget and seeds.

    python benchmarks/peft_sst2.py --model DIR --data_dir DIR --output_dir runs/peft --seed 42 [--max_steps 800 ...]

It takes the runner's flags (`python -m lora_nb.train --help`; LoRA's only). Everything is lora_nb's (data, tokenizer,
seed, `fit`: Trainer, schedule, evaluation, outputs) except the model, which `get_peft_model` makes instead of
`inject_lora`: the same targets (the model family's, from lora_nb's table), rank, alpha and dropout, the same head.
`fit` swaps every `nn.Dropout` for lora_nb's `FastDropout` (same rate, cheaper CPU masks), PEFT's LoRA dropout
included, so the two differ in the LoRA layer alone.
"""
import sys
from lora_nb.data import load_sst2, load_tokenizer
from lora_nb.families import require_family
from lora_nb.fit import fit
from lora_nb.inject import format_parameter_count
from lora_nb.train import load_classifier, parse_args

def peft_lora(model, r=8, alpha=16, dropout=0.05, targets=None, verbose=True):
    "`model` with HF PEFT's LoRA on the family's default targets (or `targets`)."
    from peft import LoraConfig, get_peft_model
    family = require_family(model, "LoRA targets", "--targets")
    cfg = LoraConfig(task_type="SEQ_CLS", r=r, lora_alpha=alpha, lora_dropout=dropout,
                     target_modules=list(targets or family.lora_targets), fan_in_fan_out=family.name == "gpt2")
    model = get_peft_model(model, cfg)
    if verbose: print("HF PEFT LoRA:", format_parameter_count(model))
    return model

def main(argv=None):
    from transformers import set_seed
    args = parse_args(argv)
    if args.method != "lora": sys.exit("error: peft_sst2.py runs HF PEFT's LoRA only; drop --method")
    set_seed(args.seed)                                   # as lora_nb.train.train: before the head and LoRA are made
    data = load_sst2(args.data_dir)
    tokenizer = load_tokenizer(args.model)
    model = peft_lora(load_classifier(args.model, tokenizer), **args.hparams)
    fit(model, tokenizer, data=data, output_dir=args.output_dir, max_steps=args.max_steps, batch_size=args.batch_size,
        lr=5e-4 if args.lr is None else args.lr, seed=args.seed, eval_batch_size=args.eval_batch_size,
        max_length=args.max_length, logging_steps=args.logging_steps, bf16=args.bf16,
        run_info={"method": "peft-lora", "model": str(args.model), "hparams": args.hparams})

if __name__ == "__main__":
    main(sys.argv[1:])
