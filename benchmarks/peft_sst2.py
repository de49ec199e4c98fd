"""HF PEFT's LoRA through lora_nb's own runner, for a side-by-side accuracy check on the same data, budget and seeds.

    python benchmarks/peft_sst2.py --model DIR --data_dir DIR --output_dir runs/peft --seed 42 [--max_steps 800 ...]

Everything is `lora_nb.train.train` (data, tokenizer, Trainer, schedule, evaluation, outputs) except the model,
which `get_peft_model` makes instead of `inject_lora`: same targets, rank, alpha and dropout, same head. The runner
swaps every `nn.Dropout` for lora_nb's `FastDropout` (same rate, cheaper CPU masks), PEFT's LoRA dropout included,
so the two differ in the LoRA layer alone.
"""
import sys
import lora_nb.train as runner
from lora_nb.inject import DEFAULT_TARGETS, model_family, format_parameter_count

def peft_prepare_model(method="lora", model_name_or_path="gpt2", *, r=8, alpha=16, dropout=0.05, targets=None,
                       verbose=True, **kwargs):
    from peft import LoraConfig, get_peft_model
    tokenizer = runner.load_tokenizer(str(model_name_or_path))
    model = runner.load_classifier(str(model_name_or_path), tokenizer)
    family = model_family(model)
    cfg = LoraConfig(task_type="SEQ_CLS", r=r, lora_alpha=alpha, lora_dropout=dropout,
                     target_modules=list(targets or DEFAULT_TARGETS[family]), fan_in_fan_out=family == "gpt2")
    model = get_peft_model(model, cfg)
    if verbose: print("HF PEFT LoRA:", format_parameter_count(model))
    return model, tokenizer

if __name__ == "__main__":
    runner.prepare_model = peft_prepare_model      # the one substitution
    runner.main(sys.argv[1:])
