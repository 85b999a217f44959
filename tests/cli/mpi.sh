#!/usr/bin/env bash
# The MPI build (-DDURASIM_MPI=ON): `mpirun -np 2 durasim run` shares the trials between the two
# processes and writes the report the single process writes, byte for byte but for its `run`
# block; a fleet and importance sampling too; a bad scenario exits 2 from every rank and writes
# nothing. Run as root here, as CI does, so Open MPI is told it may.
#
# Usage: tests/cli/mpi.sh DURASIM_BINARY   (from the source folder)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" || exit 2  # bin, tmp, pass, fail, ok, bad, check, summary
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mpi=(mpirun --oversubscribe --allow-run-as-root -np 2)
same() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert "MPI processes" in b["run"]["command"], b["run"]
a.pop("run"); b.pop("run")
a_text, b_text = (json.dumps(x, sort_keys=False) for x in (a, b))
assert a_text == b_text, "the reports differ"
PY
}
# 9,000 trials: 3 blocks of 4,096 shared out 1 and 2; the others fit one block (rank 1 empty).
# analytics-async at 4,500 trials: 2 blocks with writes, one a rank.
for case in "scenarios/markov-3way.json 9000" "scenarios/default.json 300" \
            "scenarios/fleet-3way-random.json 300" "scenarios/fleet-rare-11-nines.json 9000" \
            "scenarios/analytics-async.json 4500"; do
  read -r file trials <<< "$case"
  check "$bin" run "$file" --trials "$trials" --threads 2 --json "$tmp/one.json" -q
  if "${mpi[@]}" "$bin" run "$file" --trials "$trials" --threads 1 --json "$tmp/mpi.json" -q \
       2>"$tmp/err"; then
    check same "$tmp/one.json" "$tmp/mpi.json"
  else
    bad "mpirun -np 2 $file: $(cat "$tmp/err")"
  fi
done
set +e
"${mpi[@]}" "$bin" run scenarios/default.json --set horizon=5parsecs --json "$tmp/bad.json" -q \
  2>/dev/null
code=$?
set -e
check test "$code" -eq 2
check test ! -e "$tmp/bad.json"
# Rank 0 cannot open its output: every rank stops (no rank waits in a collective), exit 4.
set +e
timeout 120 "${mpi[@]}" "$bin" run scenarios/markov-3way.json --trials 9000 \
  --json /nonexistent/x.json -q 2>/dev/null
code=$?
set -e
check test "$code" -eq 4
# Only run is shared: a sweep under mpirun is refused by every rank.
set +e
timeout 120 "${mpi[@]}" "$bin" sweep scenarios/markov-3way.json --vary trials=10,20 -q 2>/dev/null
code=$?
set -e
check test "$code" -eq 2
summary
