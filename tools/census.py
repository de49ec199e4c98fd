"""How the runner's code is spread: `python tools/census.py [SETTING ...]`.

- for each setting (default: lr, max_length, warmup_ratio), the places in `lora_nb/*.py` that write it: an identifier or
  keyword of that name, or a string naming it (`"lr"`, `"--lr"`), counted once per line;
- `fit`'s lines and parameters (its signature's names, `**kwargs` counted as one);
- the longest exported cell of the notebooks (lines), and how many exported cells are over 60 lines.
The issue asking for these numbers (one run config, issue 23) quotes them before and after."""
import ast, io, json, re, sys, tokenize
from pathlib import Path

root = Path(__file__).resolve().parents[1]
settings = sys.argv[1:] or ["lr", "max_length", "warmup_ratio"]

def places(name: str) -> list[str]:
    hits = []
    for path in sorted((root / "lora_nb").glob("*.py")):
        if path.name == "_modidx.py": continue
        lines = set()
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
            if tok.type == tokenize.NAME and tok.string == name: lines.add(tok.start[0])
            elif tok.type == tokenize.STRING and re.fullmatch(rf"[rbuf]*(['\"])(--)?{name}\1", tok.string): lines.add(tok.start[0])
        hits += [f"{path.name}:{n}" for n in sorted(lines)]
    return hits

for s in settings:
    hits = places(s)
    print(f"{s}: {len(hits)} places ({', '.join(hits)})")

tree = ast.parse((root / "lora_nb" / "fit.py").read_text())
fit = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "fit")
a = fit.args
params = len(a.posonlyargs + a.args + a.kwonlyargs) + bool(a.vararg) + bool(a.kwarg)
print(f"fit: {fit.end_lineno - fit.lineno + 1} lines, {params} parameters")

cells = []
for nb in sorted((root / "nbs").glob("*.ipynb")):
    for c in json.loads(nb.read_text())["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "code" and re.match(r"#\|\s*export", src):
            cells.append((len(src.splitlines()), nb.name))
cells.sort(reverse=True)
print(f"longest exported cell: {cells[0][0]} lines ({cells[0][1]}); over 60 lines: {sum(n > 60 for n, _ in cells)} of {len(cells)} "
      f"({', '.join(f'{nb} {n}' for n, nb in cells if n > 60)})")
