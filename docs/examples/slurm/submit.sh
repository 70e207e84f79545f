#!/bin/bash
# Plans INPUT into SEGMENTS segments, submits one array task per segment (features.sbatch) and a
# join that runs once every task has succeeded. Usage:
#   docs/examples/slurm/submit.sh film.mp4 net.yaml feats.npy 8
set -euo pipefail
INPUT=$1 MODEL=$2 OUTPUT=$3 SEGMENTS=${4:-8}
CONVOY=${CONVOY:-convoy}
PLAN=${PLAN:-$OUTPUT.plan.json}
HERE=$(cd "$(dirname "$0")" && pwd)

"$CONVOY" plan "$INPUT" --segments "$SEGMENTS" -o "$PLAN" -y
# The plan may hold fewer segments than asked for (fewer keyframes to cut at): size the array by it.
COUNT=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["segments"]))' "$PLAN")
JOB=$(sbatch --parsable --array=0-$((COUNT - 1)) \
    --export=ALL,INPUT="$INPUT",MODEL="$MODEL",OUTPUT="$OUTPUT",PLAN="$PLAN",CONVOY="$CONVOY" "$HERE/features.sbatch")
sbatch --parsable --dependency=afterok:"$JOB" --job-name=convoy-join --output=convoy-join-%j.log \
    --wrap "$CONVOY join $(printf %q "$PLAN") -o $(printf %q "$OUTPUT") -y"
