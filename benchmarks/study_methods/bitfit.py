# BitFit as a lora_nb plugin: notebook 13's `%%writefile` cell, copied so that the study can load it
# (PYTHONPATH=benchmarks/study_methods ... --plugin bitfit).
from lora_nb.inject import freeze_all_but_, format_parameter_count
from lora_nb.methods import Method, register_method

def prepare_bitfit(model, tokenizer=None, *, verbose=True):
    "BitFit: train only the bias terms (and the classification head)."
    freeze_all_but_(model, [p for n, p in model.named_parameters() if n.endswith(".bias")])
    if verbose: print("BitFit:", format_parameter_count(model))
    return model

register_method(Method("bitfit", prepare_bitfit, default_lr=1e-3, description="train only the biases (Ben Zaken et al., 2022)"),
                replace=True)
