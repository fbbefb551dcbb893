#!/usr/bin/env python3
"""Summarises the raw outputs of sidebyside.sh: medians and ratios."""
import json, re, statistics as st, glob
import sys
R=sys.argv[1].rstrip('/')+'/'
def rl(f): return open(R+f).read().splitlines()
print("## GEMM GFLOP/s (median)")
go={}
for l in rl('gemm_go.txt'):
    # The median product (median-GFLOP/s), as the anchor reports; the mean where absent.
    m=re.match(r'BenchmarkMatMul/n=(\d+)/threads=(\d)-\d+\s+\d+\s+\d+ ns/op\s+([\d.]+) GFLOP/s(?:\s+([\d.]+) median-GFLOP/s)?',l)
    if m: go.setdefault((int(m[1]),int(m[2])),[]).append(float(m[4] or m[3]))
py={}
for t in (1,2):
    for l in rl(f'gemm_py_t{t}.txt'):
        if l.startswith('RESULT'):
            d=json.loads(l[7:])
            for lib,rs in d['results'].items():
                for r in rs: py[(lib,r['n'],t)]=r['gflops_median']
for (n,t),v in sorted(go.items()):
    g=st.median(v); o=py.get(('numpy',n,t)); tc=py.get(('torch',n,t))
    print(f"n={n} t={t}: tensorgo {g:.1f}  openblas(numpy) {o}  torch {tc}  ratio vs numpy {g/o*100:.0f}%  vs torch {g/tc*100:.0f}%")
try:
    pairs=rl('gemm_pairs.txt')
    print("## GEMM paired in one process (vsblas)")
    for l in pairs: print(l)
except FileNotFoundError:
    pass
print("## linreg")
for l in rl('linreg_go.txt'): print(l[:200])
us=[json.loads(l[7:])['us_per_step'] for l in rl('linreg_py.txt') if l.startswith('RESULT')]
print("pytorch us/step", [round(u,1) for u in us], "median", round(st.median(us),1))
print("## MLP epoch seconds (median epoch per run)")
for l in rl('mlp_go.txt'):
    d=json.loads(l); print("tensorgo t%d"%d['threads'], round(st.median(d['epoch_seconds']),3), "acc", d['test_accuracy'])
for l in rl('mlp_py.txt'):
    d=json.loads(l[7:]); print("pytorch t%d"%d['threads'], round(d['median_epoch_s'],3), "acc", d['test_acc'])
print("## predict")
for l in rl('predict_go.txt'): print(l)
for l in rl('predict_py.txt'):
    d=json.loads(l[7:]); print("pytorch t%d"%d['threads'], d['results']['mlp']['images_per_s_median'])
print("## pipeline")
for l in rl('pipeline_go.txt'): print(l)
