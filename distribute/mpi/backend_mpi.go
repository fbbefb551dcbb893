//go:build mpi

package mpi

/*
#cgo pkg-config: ompi
#include <mpi.h>

// The package's communicator: a duplicate of MPI_COMM_WORLD whose error
// handler returns error codes instead of aborting.
static MPI_Comm tg_comm = MPI_COMM_NULL;

// tg_init initialises MPI and tg_comm. On failure it returns the MPI error
// code and sets *fn to the function that failed. A provided thread level
// below MPI_THREAD_MULTIPLE is left to the caller to refuse.
static int tg_init(int *provided, int *rank, int *size, const char **fn) {
	int rc;
	*fn = "MPI_Init_thread";
	rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_MULTIPLE, provided);
	if (rc != MPI_SUCCESS) return rc;
	*fn = "MPI_Comm_set_errhandler";
	rc = MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	if (rc != MPI_SUCCESS) return rc;
	*fn = "MPI_Comm_dup";
	rc = MPI_Comm_dup(MPI_COMM_WORLD, &tg_comm);
	if (rc != MPI_SUCCESS) return rc;
	*fn = "MPI_Comm_set_errhandler";
	rc = MPI_Comm_set_errhandler(tg_comm, MPI_ERRORS_RETURN);
	if (rc != MPI_SUCCESS) return rc;
	*fn = "MPI_Comm_rank";
	rc = MPI_Comm_rank(tg_comm, rank);
	if (rc != MPI_SUCCESS) return rc;
	*fn = "MPI_Comm_size";
	return MPI_Comm_size(tg_comm, size);
}

// tg_finalize frees tg_comm and finalizes MPI, setting *fn as tg_init does.
static int tg_finalize(const char **fn) {
	int rc;
	if (tg_comm != MPI_COMM_NULL) {
		*fn = "MPI_Comm_free";
		rc = MPI_Comm_free(&tg_comm);
		if (rc != MPI_SUCCESS) return rc;
	}
	*fn = "MPI_Finalize";
	return MPI_Finalize();
}

static int tg_allreduce_sum_float(float *buf, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, tg_comm);
}

static int tg_allreduce_sum_double(double *buf, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_DOUBLE, MPI_SUM, tg_comm);
}

static int tg_bcast_float(float *buf, int n, int root) {
	return MPI_Bcast(buf, n, MPI_FLOAT, root, tg_comm);
}

static int tg_bcast_double(double *buf, int n, int root) {
	return MPI_Bcast(buf, n, MPI_DOUBLE, root, tg_comm);
}

static int tg_bcast_byte(void *buf, int n, int root) {
	return MPI_Bcast(buf, n, MPI_BYTE, root, tg_comm);
}

static int tg_barrier(void) { return MPI_Barrier(tg_comm); }

static int tg_abort(int code) { return MPI_Abort(tg_comm, code); }

// tg_error_string writes the text of code into buf (MPI_MAX_ERROR_STRING
// bytes) and returns its length, or -1; *class gets its error class.
static int tg_error_string(int code, char *buf, int *class) {
	int len = 0;
	if (MPI_Error_class(code, class) != MPI_SUCCESS) *class = -1;
	if (MPI_Error_string(code, buf, &len) != MPI_SUCCESS) return -1;
	return len;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

const enabled = true

// MPI's thread levels, lowest first.
const (
	threadSingle     = int(C.MPI_THREAD_SINGLE)
	threadFunneled   = int(C.MPI_THREAD_FUNNELED)
	threadSerialized = int(C.MPI_THREAD_SERIALIZED)
	threadMultiple   = int(C.MPI_THREAD_MULTIPLE)
)

// errClassRoot is MPI_ERR_ROOT, the class of an invalid root's error.
const errClassRoot = int(C.MPI_ERR_ROOT)

// MPI wants MPI_Finalize on the thread that called MPI_Init_thread (the
// "main thread"). Goroutines move between threads, so one goroutine locked
// to its thread makes both calls: Init starts it, Finalize sends it the word.
var finalizeReq chan chan error

func backendInit() (rank, size int, err error) {
	initDone := make(chan error)
	finalizeReq = make(chan chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var provided, r, s C.int
		var fn *C.char
		if rc := C.tg_init(&provided, &r, &s, &fn); rc != C.MPI_SUCCESS {
			e := mpiError(C.GoString(fn), rc)
			C.tg_finalize(&fn)
			initDone <- e
			return
		}
		if err := checkThreadLevel(int(provided)); err != nil {
			C.tg_finalize(&fn)
			initDone <- err
			return
		}
		rank, size = int(r), int(s)
		initDone <- nil
		reply := <-finalizeReq
		var e error
		if rc := C.tg_finalize(&fn); rc != C.MPI_SUCCESS {
			e = mpiError(C.GoString(fn), rc)
		}
		reply <- e
	}()
	if err := <-initDone; err != nil {
		return 0, 0, err
	}
	return rank, size, nil
}

// checkThreadLevel refuses a thread level below MPI_THREAD_MULTIPLE.
func checkThreadLevel(provided int) error {
	if provided >= threadMultiple {
		return nil
	}
	return fmt.Errorf("mpi: Init: the MPI library provides thread level %s, need MPI_THREAD_MULTIPLE "+
		"(Go runs goroutines on many threads); rebuild MPI with thread support", threadLevelName(provided))
}

func threadLevelName(level int) string {
	switch level {
	case threadSingle:
		return "MPI_THREAD_SINGLE"
	case threadFunneled:
		return "MPI_THREAD_FUNNELED"
	case threadSerialized:
		return "MPI_THREAD_SERIALIZED"
	case threadMultiple:
		return "MPI_THREAD_MULTIPLE"
	}
	return fmt.Sprintf("%d", level)
}

func backendFinalize() error {
	reply := make(chan error)
	finalizeReq <- reply
	return <-reply
}

// The calls below pass the address of a Go slice's memory to a blocking MPI
// call, which uses it only until it returns: allowed by cgo's rules, as the
// memory holds no Go pointers.

func backendAllreduceSum32(buf []float32, _ int) error {
	rc := C.tg_allreduce_sum_float((*C.float)(unsafe.Pointer(unsafe.SliceData(buf))), C.int(len(buf)))
	return check("MPI_Allreduce", rc)
}

func backendAllreduceSum64(buf []float64, _ int) error {
	rc := C.tg_allreduce_sum_double((*C.double)(unsafe.Pointer(unsafe.SliceData(buf))), C.int(len(buf)))
	return check("MPI_Allreduce", rc)
}

func backendBcast32(buf []float32, root int) error {
	rc := C.tg_bcast_float((*C.float)(unsafe.Pointer(unsafe.SliceData(buf))), C.int(len(buf)), C.int(root))
	return check("MPI_Bcast", rc)
}

func backendBcast64(buf []float64, root int) error {
	rc := C.tg_bcast_double((*C.double)(unsafe.Pointer(unsafe.SliceData(buf))), C.int(len(buf)), C.int(root))
	return check("MPI_Bcast", rc)
}

func backendBcastBytes(buf []byte, root int) error {
	rc := C.tg_bcast_byte(unsafe.Pointer(unsafe.SliceData(buf)), C.int(len(buf)), C.int(root))
	return check("MPI_Bcast", rc)
}

func backendBarrier() error { return check("MPI_Barrier", C.tg_barrier()) }

func backendAbort(code int) error { return check("MPI_Abort", C.tg_abort(C.int(code))) }

// check turns an MPI return code into nil or an *Error.
func check(fn string, rc C.int) error {
	if rc == C.MPI_SUCCESS {
		return nil
	}
	return mpiError(fn, rc)
}

func mpiError(fn string, rc C.int) error {
	var buf [C.MPI_MAX_ERROR_STRING]C.char
	var class C.int
	e := &Error{Func: fn, Code: int(rc), Class: -1}
	if n := C.tg_error_string(rc, &buf[0], &class); n >= 0 {
		e.Message = C.GoStringN(&buf[0], n)
		e.Class = int(class)
	} else {
		e.Message = "unknown MPI error"
	}
	return e
}
