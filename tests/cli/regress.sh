#!/usr/bin/env bash
# tools/regress.sh against its baselines: a shipped scenario's baseline as committed passes; the
# same baseline edited to a better number (fewer trials losing writes) fails with exit 1, naming
# the figure; a missing baseline fails too.
# Usage: tests/cli/regress.sh DURASIM_BINARY
set -u
durasim=$1
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
name=analytics-async
cp "results/baselines/$name.json" "$work/"
tools/regress.sh --durasim "$durasim" --baselines "$work" "$name" > "$work/ok.out" 2>&1 \
  || fail "the committed baseline of $name does not pass: $(cat "$work/ok.out")"
# Edited consistently (20 trials with loss taken out of the list, the counts and means with
# them): the comparison is paired (McNemar on the trials that differ), as CI's is.
jq '.loss.trials.rows |= .[20:]
    | .loss.trials_with_loss = (.loss.trials.rows | length)
    | .loss.probability.estimate = (.loss.trials_with_loss / .trials)
    | .loss.write_loss.trials_with_loss = ([.loss.trials.rows[] | select(.[2] == 1)] | length)
    | .loss.write_loss.probability.estimate = (.loss.write_loss.trials_with_loss / .trials)
    | .loss.lost_writes.mean = (([.loss.trials.rows[] | .[4]] | add) / .trials)
    | .loss.lost_bytes.mean = (([.loss.trials.rows[] | .[5]] | add) / .trials)' \
  "results/baselines/$name.json" > "$work/$name.json"
tools/regress.sh --durasim "$durasim" --baselines "$work" "$name" > "$work/edited.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "a baseline edited consistently gave exit $rc, expected 1: $(cat "$work/edited.out")"
grep -q "loss/write_loss/probability .*worse  FAIL" "$work/edited.out" \
  || fail "the edited figure is not named: $(cat "$work/edited.out")"
"$durasim" compare "$work/$name.json" "results/baselines/$name.json" --json - -q \
  | jq -e '.paired and ([.figures[] | select(.figure == "loss/write_loss/probability")][0].test
            == "mcnemar_exact")' > /dev/null \
  || fail "the consistent edit was not compared trial by trial"
# Edited by hand in one number only: the list no longer agrees, the comparison is unpaired
# (Fisher), and still fails.
jq '.loss.write_loss.trials_with_loss = 150 | .loss.write_loss.probability.estimate = 0.75' \
  "results/baselines/$name.json" > "$work/$name.json"
tools/regress.sh --durasim "$durasim" --baselines "$work" "$name" > "$work/edited.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "an edited baseline gave exit $rc, expected 1: $(cat "$work/edited.out")"
grep -q "loss/write_loss/probability .*worse  FAIL" "$work/edited.out" \
  || fail "the edited figure is not named: $(cat "$work/edited.out")"
rm "$work/$name.json"
tools/regress.sh --durasim "$durasim" --baselines "$work" "$name" > "$work/missing.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "a missing baseline gave exit $rc, expected 1"
# A scenario whose expectation is not met fails regress, its numbers unchanged.
mkdir "$work/scenarios"
jq '. + {expect: {"write_latency_s/p50": {"max": "50us"}}}' "scenarios/$name.json" \
  > "$work/scenarios/$name.json"
cp "results/baselines/$name.json" "$work/"
tools/regress.sh --durasim "$durasim" --baselines "$work" --scenarios "$work/scenarios" "$name" \
  > "$work/expect.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "an expectation not met gave exit $rc, expected 1: $(cat "$work/expect.out")"
grep -q "expectations are not met" "$work/expect.out" \
  || fail "regress does not say the expectation failed: $(cat "$work/expect.out")"
echo "ok: regress passes the baseline, fails an edited one, a missing one and an expectation not met"
