package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/tensor"
)

// fakeMNIST is 200 training and 50 test "images": class c is a bright
// c-th row, so that the network can learn it.
func fakeMNIST() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	gen := func(n int) (*tensor.Tensor, *tensor.Tensor) {
		x := tensor.New(tensor.Uint8, n, 28, 28)
		y := tensor.New(tensor.Uint8, n)
		for i := range n {
			c := i % 10
			y.SetFloat(i, float64(c))
			for j := range 28 {
				x.SetFloat(i*784+c*28+j, 255)
			}
		}
		return x, y
	}
	xTrain, yTrain = gen(200)
	xTest, yTest = gen(50)
	return xTrain, yTrain, xTest, yTest, nil
}

// runRanks runs the example on 2 ranks of a local group and returns what
// each printed and its test accuracy.
func runRanks(t *testing.T, c config) ([]string, []float64) {
	comms := distribute.NewLocalGroup(2)
	outs := make([]string, 2)
	accs := make([]float64, 2)
	var wg sync.WaitGroup
	for r, comm := range comms {
		s, err := distribute.New(comm)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			acc, err := run(s, c, fakeMNIST, &out)
			if err != nil {
				t.Errorf("rank %d: %v", r, err)
			}
			outs[r], accs[r] = out.String(), acc
		}()
	}
	wg.Wait()
	return outs, accs
}

// Two ranks train, rank 0 alone prints and checkpoints; a second run with
// more epochs resumes after the last saved epoch.
func TestTrainCheckpointResume(t *testing.T) {
	dir := t.TempDir()
	c := config{epochs: 2, batch: 10, verbose: 2, lr: 0.01, checkpoint: dir, threads: 1}
	outs, accs := runRanks(t, c)
	if !strings.Contains(outs[0], "Epoch 2/2") || outs[1] != "" {
		t.Fatalf("rank 0 printed %q, rank 1 %q: want rank 0's epochs alone", outs[0], outs[1])
	}
	if accs[0] != accs[1] {
		t.Errorf("test accuracy %v on rank 0, %v on rank 1: the ranks' weights differ", accs[0], accs[1])
	}
	if accs[0] < 0.9 {
		t.Errorf("test accuracy %v after 2 epochs, want >= 0.9 on this easy data", accs[0])
	}
	c.epochs = 3
	outs, _ = runRanks(t, c)
	if strings.Contains(outs[0], "Epoch 1/3") || strings.Contains(outs[0], "Epoch 2/3") || !strings.Contains(outs[0], "Epoch 3/3") {
		t.Errorf("the resumed run printed %q: want epoch 3 alone", outs[0])
	}
}
