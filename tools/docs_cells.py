"""Keep the docs build from re-running trainings.

nbdev's docs processing (`nbdev_docs`, `nbdev_preview`) executes every cell that is exported, calls `show_doc`, or
contains an import statement anywhere, so that `show_doc` can document what the cells define. A test cell that
imports something and then trains a model would train again during the docs build. This script finds such cells:
code cells that nbdev would execute although they do more than import or define.

    python tools/docs_cells.py            # list them and exit 1 if there are any (CI runs this)
    python tools/docs_cells.py --fix      # move their top-level imports into a cell of their own, just before them

A cell marked `# colab-install` (the install cell that only acts in Colab) is exempt: outside Colab it does nothing.
"""
import ast, json, sys
from pathlib import Path

EXPORTED = {"export", "exports", "exporti", "exec_doc"}

def directives(src: str) -> dict:
    d = {}
    for line in src.splitlines():
        if not line.startswith("#|"): break
        words = line[2:].strip().split()
        if words: d[words[0].rstrip(":")] = words[1:]
    return d

def executed_in_docs(src: str, d: dict) -> bool:
    "Mirrors nbdev.processors._do_eval: would the docs build run this code cell?"
    if d.get("eval") == ["false"] or "nbdev_export()" in src: return False
    if src.lstrip().startswith("%%"): return False          # a cell magic (%%writefile ...): not Python
    if d.keys() & EXPORTED: return True
    try: tree = ast.parse("\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!"))))
    except SyntaxError: return False
    nodes = list(ast.walk(tree))
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes) or any(
        isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and getattr(n.value.func, "id", None) == "show_doc" for n in nodes)

def does_more_than_import(src: str) -> bool:
    tree = ast.parse("\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!"))))
    return any(not isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) for n in tree.body)   # definitions only define

def offending(nb: dict):
    for i, c in enumerate(nb["cells"]):
        if c["cell_type"] != "code": continue
        src = "".join(c["source"]); d = directives(src)
        if "# colab-install" in src or (d.keys() & EXPORTED): continue
        if executed_in_docs(src, d) and does_more_than_import(src): yield i, c, src

def split_imports(src: str) -> tuple[str, str]:
    "(the cell's top-level import statements, the rest); directives stay with the rest."
    lines = src.splitlines()
    tree = ast.parse(src)
    take = set()
    for n in tree.body:
        if isinstance(n, (ast.Import, ast.ImportFrom)): take.update(range(n.lineno - 1, n.end_lineno))
    imports = "\n".join(lines[i] for i in sorted(take))
    rest = "\n".join(l for i, l in enumerate(lines) if i not in take)
    return imports, rest

def main(fix: bool) -> int:
    bad = 0
    for path in sorted(Path("nbs").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        found = list(offending(nb))
        if fix and found:
            for i, c, src in reversed(found):
                imports, rest = split_imports(src)
                if not imports: continue
                c["source"] = rest.splitlines(keepends=True)
                ids = {x.get("id") for x in nb["cells"]}
                new_id = next(f"{c.get('id', i)}-imports{k or ''}"[-64:] for k in range(len(ids) + 1)
                              if f"{c.get('id', i)}-imports{k or ''}"[-64:] not in ids)
                nb["cells"].insert(i, {"cell_type": "code", "execution_count": None, "id": new_id,
                                       "metadata": {}, "outputs": [],
                                       "source": imports.splitlines(keepends=True)})
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
            found = list(offending(nb))
        for i, c, src in found:
            bad += 1
            print(f"{path}: cell {i} would run during the docs build (it imports, inside a function or block?):\n  "
                  + "\n  ".join(src.splitlines()[:6]))
    if bad: print(f"{bad} cell(s): move their imports into a cell of their own (python tools/docs_cells.py --fix)")
    return 1 if bad else 0

if __name__ == "__main__": sys.exit(main("--fix" in sys.argv))
