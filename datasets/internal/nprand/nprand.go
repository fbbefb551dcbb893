// Package nprand reproduces NumPy's legacy global random state
// (np.random.seed / np.random.shuffle): the MT19937 Mersenne Twister seeded
// as numpy.random.RandomState(seed) seeds it, and the legacy shuffle's
// Fisher-Yates walk with its masked rejection sampling. The seed course's
// Iris split depends on it.
package nprand

const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// MT19937 is the 32-bit Mersenne Twister.
type MT19937 struct {
	mt  [n]uint32
	mti int
}

// New returns a generator seeded as numpy.random.seed(seed) seeds one
// (init_genrand).
func New(seed uint32) *MT19937 {
	r := &MT19937{}
	r.mt[0] = seed
	for i := 1; i < n; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.mti = n
	return r
}

// Uint32 returns the next 32-bit output (genrand_int32).
func (r *MT19937) Uint32() uint32 {
	if r.mti >= n {
		for k := 0; k < n; k++ {
			y := r.mt[k]&upperMask | r.mt[(k+1)%n]&lowerMask
			v := r.mt[(k+m)%n] ^ y>>1
			if y&1 != 0 {
				v ^= matrixA
			}
			r.mt[k] = v
		}
		r.mti = 0
	}
	y := r.mt[r.mti]
	r.mti++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// Interval returns a uniform integer in [0, max] as NumPy's legacy
// random_interval does: draw 32 bits, mask to the smallest covering power of
// two, reject values above max. max must fit in 32 bits.
func (r *MT19937) Interval(max uint32) uint32 {
	if max == 0 {
		return 0
	}
	mask := max
	mask |= mask >> 1
	mask |= mask >> 2
	mask |= mask >> 4
	mask |= mask >> 8
	mask |= mask >> 16
	for {
		if v := r.Uint32() & mask; v <= max {
			return v
		}
	}
}

// Shuffle performs numpy.random.shuffle's swaps on a sequence of length
// count: for i from count-1 down to 1, swap i with Interval(i).
func (r *MT19937) Shuffle(count int, swap func(i, j int)) {
	for i := count - 1; i > 0; i-- {
		j := int(r.Interval(uint32(i)))
		if i != j {
			swap(i, j)
		}
	}
}

// Permutation returns the order numpy.random.shuffle leaves
// np.arange(count) in.
func (r *MT19937) Permutation(count int) []int {
	p := make([]int, count)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(count, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}
