#!/usr/bin/env bash
# Tests distribute/mpi against Open MPI (called by .ci/run). Installs Open
# MPI with apt-get where it is missing, builds the package's test binary with
# the mpi build tag and runs it on 2 ranks inside a network namespace that
# has only loopback. Then checks that a rank which exits with an error,
# panics or is killed ends the whole job quickly with a failure status.
# Skips (exit 0, saying why) where Open MPI is missing and cannot be
# installed. Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# How long a job with a failed rank may take, start to end, in seconds
# (about 1 s on an idle machine; mpirun itself needs ~0.5 s to start).
max_fail_s=${MPI_MAX_FAIL_SECONDS:-10}

. .ci/mpi_setup.sh
mpi_setup "mpi tests"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/mpi.test"
echo "== go test -c -tags mpi ./distribute/mpi"
CGO_ENABLED=1 go test -c -tags mpi -o "$bin" ./distribute/mpi


# mpirun_2 ARGS... runs the test binary on 2 ranks, isolated from the network
# where the machine allows a network namespace (root, or unprivileged user
# namespaces), with a hard limit of 60 s.
if unshare --net true 2>/dev/null; then
  isolate=(unshare --net)
elif unshare --map-root-user --net true 2>/dev/null; then
  isolate=(unshare --map-root-user --net)
else
  isolate=()
  echo "note: no network namespace available; running mpirun on the host's network"
fi
mpirun_2() {
  if [ ${#isolate[@]} -gt 0 ]; then
    timeout 60 "${isolate[@]}" sh -c 'ip link set lo up && exec "$@"' sh \
      mpirun -np 2 --oversubscribe --tag-output "$bin" -test.timeout 30s -mpi.size 2 "$@"
  else
    timeout 60 mpirun -np 2 --oversubscribe --tag-output "$bin" -test.timeout 30s -mpi.size 2 "$@"
  fi
}

echo "== mpirun -np 2: tests"
mpirun_2 -test.v

echo "== mpirun -np 2: benchmark, once (not timed)"
mpirun_2 -test.run '^$' -test.bench 'AllreduceFloat32_1M' -test.benchtime 1x

fail=0
for mode in exit panic kill; do
  echo "== mpirun -np 2: rank 1 fails (-mpi.fail=$mode)"
  log="$tmp/fail-$mode.log"
  start=$(date +%s%N)
  rc=0
  mpirun_2 -test.run '^TestRankFailure$' -mpi.fail "$mode" >"$log" 2>&1 || rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  # What the failing rank and mpirun said, without the panic's stack.
  grep -E 'on purpose|mpirun|Exit code|exited|aborted' "$log" | sed 's/^/    /' || true
  if [ "$rc" = 0 ]; then
    echo "FAIL: mpirun exited with status 0 although rank 1 failed ($mode)"; fail=1
  elif [ "$rc" = 124 ]; then
    echo "FAIL: the job was still running after 60 s: the other rank was not ended ($mode)"; fail=1
  elif [ "$ms" -gt $(( max_fail_s * 1000 )) ]; then
    echo "FAIL: the job took $ms ms to end after rank 1 failed ($mode), over ${max_fail_s} s"; fail=1
  elif ! grep -q 'rank 1: failing on purpose' "$log" || ! grep -Eq 'exited with non-zero status|exited on signal' "$log"; then
    echo "FAIL: mpirun's output does not say that rank 1 failed ($mode)"; fail=1
  else
    echo "ok: mpirun exited with status $rc after $ms ms"
  fi
done
[ "$fail" = 0 ] || exit 1
echo "mpi tests passed"
