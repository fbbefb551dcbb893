package gemm

// gemv handles m == 1 or n == 1, where a register tile would be mostly
// padding. The matrix operand is walked either as dot products of its
// contiguous rows with the vector, or as a sum of its rows scaled by the
// vector's elements (axpy), whichever reads it contiguously.
func gemv[T float](ws *workspace[T], kern *kernel[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	var (
		mat        []T
		ld         int
		dotForm    bool
		rows, cols int // of the matrix as walked
		x          []T // the vector, k long
		incx, incy int
		ny         int
	)
	if n == 1 {
		// y = C[:,0] (m long), x = op(B)[:,0].
		x, incx = b, ldb
		if transB {
			incx = 1
		}
		mat, ld, ny, incy = a, lda, m, ldc
		dotForm = !transA
		rows, cols = m, k
		if transA {
			rows, cols = k, m
		}
	} else {
		// y = C[0,:] (n long), x = op(A)[0,:].
		x, incx = a, 1
		if transA {
			incx = lda
		}
		mat, ld, ny, incy = b, ldb, n, 1
		dotForm = transB
		rows, cols = k, n
		if transB {
			rows, cols = n, k
		}
	}
	if incx != 1 {
		ws.x = aligned(ws.x, k)
		for p := range ws.x {
			ws.x[p] = x[p*incx]
		}
		x = ws.x
	}
	x = x[:k]
	if dotForm {
		for i := 0; i < ny; i++ {
			row := mat[i*ld : i*ld+cols]
			store(&c[i*incy], alpha, beta, kern.dot(cols, &row[0], &x[0]))
		}
		return
	}
	// Sums of scaled rows accumulate each element over k in order, in the
	// tiles' K blocks, so they give the bits a tile kernel would.
	ws.y = aligned(ws.y, cols)
	acc := ws.y
	step := kcStep(rows)
	bet := beta
	for p0 := 0; p0 < rows; p0 += step {
		clear(acc)
		for p := p0; p < min(p0+step, rows); p++ {
			row := mat[p*ld : p*ld+cols]
			kern.axpy(cols, x[p], &row[0], &acc[0])
		}
		for i, s := range acc {
			store(&c[i*incy], alpha, bet, s)
		}
		bet = 1
	}
}
