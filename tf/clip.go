package tf

// ClipByNorm rescales t so that its L2 norm is at most clipNorm
// (tf.clip_by_norm): t * clipNorm / max(norm(t), clipNorm).
//
// As in TensorFlow the norm of an all-zero t is taken without a square root
// of 0, so that its gradient is finite (sqrt's is infinite at 0).
func ClipByNorm(t *Tensor, clipNorm float64) *Tensor {
	s := ReduceSum(Square(t), nil, false)
	pos := Greater(s, scalarLike(s, 0))
	n := Where(pos, Sqrt(Where(pos, s, OnesLike(s))), s)
	c := scalarLike(t, clipNorm)
	return Div(Mul(t, c), Maximum(n, c))
}

// GlobalNorm returns the L2 norm of all of ts together (nil entries are
// skipped).
func GlobalNorm(ts []*Tensor) *Tensor {
	var s *Tensor
	for _, t := range ts {
		if t == nil {
			continue
		}
		q := ReduceSum(Square(t), nil, false)
		if s == nil {
			s = q
		} else {
			s = Add(s, Cast(q, s.dtype))
		}
	}
	if s == nil {
		return nil
	}
	return Sqrt(s)
}

// ClipByGlobalNorm rescales ts together so that their global norm is at
// most clipNorm (tf.clip_by_global_norm); nil entries stay nil.
func ClipByGlobalNorm(ts []*Tensor, clipNorm float64) []*Tensor {
	n := GlobalNorm(ts)
	out := make([]*Tensor, len(ts))
	if n == nil {
		return out
	}
	c := scalarLike(n, clipNorm)
	scale := Div(c, Maximum(n, c))
	for i, t := range ts {
		if t != nil {
			out[i] = Mul(t, Cast(scale, t.dtype))
		}
	}
	return out
}
