#!/bin/bash
# A cohort on Slurm: an N-task job array (each task extracts one shard), then a merge job that runs
# only when every task succeeded. Usage: sbatch-free, run this script on the login node:
#   N=8 MANIFEST=cohort.csv OUT=/shared/features.csv PARAMS=params.yaml bash examples/cluster/slurm.sh
# A failed or killed task can be resubmitted alone (sbatch --array=<i> ...); with --resume it skips the
# cases its shard state file already holds.
set -euo pipefail
N=${N:-8}
: "${MANIFEST:?set MANIFEST}" "${OUT:?set OUT}"
PARAMS_ARG=${PARAMS:+--params "$PARAMS"}
array=$(sbatch --parsable --array=1-"$N" --job-name=radiomics --cpus-per-task=1 \
  --wrap "radiogenomics batch '$MANIFEST' --out '$OUT' $PARAMS_ARG --workers 1 --resume --no-progress --shard auto/$N")
sbatch --parsable --dependency=afterok:"$array" --job-name=radiomics-merge \
  --wrap "radiogenomics batch '$MANIFEST' --out '$OUT' $PARAMS_ARG --merge-shards $N"
echo "submitted array job $array (+ merge job)"
