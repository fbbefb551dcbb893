package conv
import ("testing";"fmt")
func BenchmarkIncep(b *testing.B) {
	for _, c := range []struct{ name string; in, f [4]int; s int }{
		{"c1x1s2_32", [4]int{32, 32, 32, 16}, [4]int{1, 1, 16, 16}, 2},
		{"c3x3_16", [4]int{32, 16, 16, 16}, [4]int{3, 3, 16, 16}, 1},
		{"c5x5_16", [4]int{32, 16, 16, 16}, [4]int{5, 5, 16, 16}, 1},
		{"c1x1_64", [4]int{32, 16, 16, 64}, [4]int{1, 1, 64, 16}, 1},
		{"c1x1s2_64", [4]int{32, 16, 16, 64}, [4]int{1, 1, 64, 32}, 2},
		{"c3x3_32", [4]int{32, 8, 8, 32}, [4]int{3, 3, 32, 32}, 1},
		{"c5x5_32", [4]int{32, 8, 8, 32}, [4]int{5, 5, 32, 32}, 1},
		{"c1x1_128", [4]int{32, 8, 8, 128}, [4]int{1, 1, 128, 32}, 1},
		{"stem", [4]int{32, 32, 32, 3}, [4]int{3, 3, 3, 16}, 1},
	} {
		p, _ := NewParams(c.in, c.f, [2]int{c.s, c.s}, [2]int{1, 1}, Same, 1)
		x, w := make([]float32, p.InSize()), make([]float32, p.FilterSize())
		y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
		var ws Workspace[float32]
		fl := float64(2*p.N*p.OH*p.OW*p.O*p.KH*p.KW*p.C)
		for _, on := range []bool{false, true} {
			if !on && !p.winograd() { continue }
			winoOn = on
			b.Run(fmt.Sprintf("%s/w%v/fwd", c.name, on), func(b *testing.B) { for b.Loop() { Forward(&p, x, w, nil, y, Relu, &ws) }; b.ReportMetric(fl*float64(b.N)/b.Elapsed().Seconds()/1e9, "GF/s") })
			b.Run(fmt.Sprintf("%s/w%v/in", c.name, on), func(b *testing.B) { for b.Loop() { BackwardInput(&p, y, w, dx, &ws) }; b.ReportMetric(fl*float64(b.N)/b.Elapsed().Seconds()/1e9, "GF/s") })
			b.Run(fmt.Sprintf("%s/w%v/filt", c.name, on), func(b *testing.B) { for b.Loop() { BackwardFilter(&p, x, y, dw, nil, &ws) }; b.ReportMetric(fl*float64(b.N)/b.Elapsed().Seconds()/1e9, "GF/s") })
		}
		winoOn = true
	}
}
