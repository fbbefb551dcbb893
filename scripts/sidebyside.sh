#!/usr/bin/env bash
# Side-by-side figures: tensorgo against the PyTorch / OpenBLAS reference
# scripts (shared/anchors), one after the other on this machine, as the
# issues' speed goals ask. Needs Debian's python3-torch, python3-numpy and
# libopenblas0-pthread/-openmp. Writes raw outputs to $RESULTS, then prints a
# summary. Takes about 3 minutes; run it on a quiet machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
R=${RESULTS:-/tmp/tensorgo-sidebyside}; mkdir -p "$R"
A=${ANCHORS:-../shared/anchors}
go build -o "$R"/mnist ./examples/mnist
go build -o "$R"/linreg ./examples/linear_regression
echo "== gemm" ; date
go test -run '^$' -bench 'BenchmarkMatMul$' -benchtime 1s -count 3 ./internal/gemm > "$R"/gemm_go.txt 2>&1
/usr/bin/python3 "$A"/w6_gemm.py --threads 1 > "$R"/gemm_py_t1.txt 2>&1
/usr/bin/python3 "$A"/w6_gemm.py --threads 2 > "$R"/gemm_py_t2.txt 2>&1
# The same products paired in one process (internal/gemm/vsblas), which the
# machine's drift from minute to minute cannot skew; needs cgo and gcc.
# OPENBLAS_CORETYPE is emptied so that OpenBLAS picks its kernel itself.
if CGO_ENABLED=1 go build -tags openblas -o "$R"/vsblas ./internal/gemm/vsblas 2>/dev/null; then
  OPENBLAS_CORETYPE= "$R"/vsblas > "$R"/gemm_pairs.txt 2>&1
  TENSORGO_ISA=avx2 OPENBLAS_CORETYPE=Haswell "$R"/vsblas >> "$R"/gemm_pairs.txt 2>&1
  OPENBLAS_CORETYPE= "$R"/vsblas -threads 2 >> "$R"/gemm_pairs.txt 2>&1
fi
echo "== linreg"; date
for i in 1 2 3; do TENSORGO_NUM_THREADS=1 go test -run '^$' -bench 'LinearRegressionStep' -benchtime 20000x ./tf 2>&1 | grep Bench; done > "$R"/linreg_go.txt
for i in 1 2 3; do "$R"/linreg -threads 1 -json | tail -1; "$R"/linreg -threads 1 -eager -json | tail -1; done >> "$R"/linreg_go.txt
for i in 1 2 3; do /usr/bin/python3 "$A"/w1_linreg.py --threads 1 2>/dev/null | tail -1; done > "$R"/linreg_py.txt
echo "== mlp"; date
for t in 1 2; do for i in 1 2 3; do "$R"/mnist -threads $t -verbose 0 -json | tail -1; done; done > "$R"/mlp_go.txt
for t in 1 2; do for i in 1 2; do /usr/bin/python3 "$A"/w2_mlp.py --threads $t 2>/dev/null | tail -1; done; done > "$R"/mlp_py.txt
echo "== predict"; date
for t in 1 2; do TENSORGO_NUM_THREADS=$t go test -run '^$' -bench 'Predict' -benchtime 2s -count 3 ./keras 2>&1 | grep Bench | sed "s/^/t$t /"; done > "$R"/predict_go.txt
for t in 1 2; do /usr/bin/python3 "$A"/w7_infer.py --threads $t --variants mlp 2>/dev/null | tail -1; done > "$R"/predict_py.txt
echo "== pipeline"; date
for t in 1 2; do TENSORGO_NUM_THREADS=$t go test -run '^$' -bench 'PipelineShare' -benchtime 6x ./keras 2>&1 | grep Bench | sed "s/^/t$t /"; done > "$R"/pipeline_go.txt
go test -run '^$' -bench 'MNISTShuffleBatch|MNISTPipelineCastInto' -benchtime 10x -count 3 ./data 2>&1 | grep Bench >> "$R"/pipeline_go.txt
date
python3 "$here/summarize_sidebyside.py" "$R"
