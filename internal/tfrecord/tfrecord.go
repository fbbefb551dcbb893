// Package tfrecord reads and writes TFRecord framing, the container of
// TensorFlow's event files and record datasets. Each record is
//
//	uint64 length (little-endian)
//	uint32 masked CRC-32C of the 8 length bytes
//	length bytes of data
//	uint32 masked CRC-32C of the data
//
// where the mask is TensorFlow's: rotate the Castagnoli CRC right by 15 bits
// and add 0xa282ead8.
package tfrecord

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const maskDelta = 0xa282ead8

// MaskedCRC returns TensorFlow's masked CRC-32C of b.
func MaskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + maskDelta
}

// Writer appends records to an io.Writer. It is not safe for concurrent
// use.
type Writer struct {
	w   io.Writer
	hdr [12]byte
	ftr [4]byte
}

// NewWriter returns a Writer that frames records onto w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write frames one record. A failed write may leave a partial record,
// which readers report as truncated.
func (w *Writer) Write(data []byte) error {
	binary.LittleEndian.PutUint64(w.hdr[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(w.hdr[8:], MaskedCRC(w.hdr[:8]))
	binary.LittleEndian.PutUint32(w.ftr[:], MaskedCRC(data))
	if _, err := w.w.Write(w.hdr[:]); err != nil {
		return err
	}
	if _, err := w.w.Write(data); err != nil {
		return err
	}
	_, err := w.w.Write(w.ftr[:])
	return err
}

// DefaultMaxRecord bounds the length a Reader accepts for one record unless
// the caller sets Reader.MaxRecord: a corrupt or hostile length field must
// not make the reader allocate gigabytes.
const DefaultMaxRecord = 256 << 20

// ErrTruncated reports a record cut short by the end of the input: the
// writer may still be appending to the file (TensorBoard polls such files),
// or it stopped mid-record.
var ErrTruncated = errors.New("tfrecord: truncated record")

// A CorruptError reports a record whose length or checksum is wrong.
type CorruptError struct {
	Offset int64  // byte offset of the record's start
	What   string // what failed
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("tfrecord: corrupt record at byte %d: %s", e.Offset, e.What)
}

// Reader reads records from an io.Reader, checking both checksums of each.
type Reader struct {
	// MaxRecord is the largest record length accepted; 0 means
	// DefaultMaxRecord.
	MaxRecord int
	r         *bufio.Reader
	off       int64
	buf       []byte
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReader(r)} }

// Offset is the byte offset of the next record.
func (r *Reader) Offset() int64 { return r.off }

// Next returns the next record's data, valid until the next call. At the
// end of the input it returns io.EOF; a record cut short returns
// ErrTruncated, and a bad length or checksum a *CorruptError.
func (r *Reader) Next() ([]byte, error) {
	var hdr [12]byte
	n, err := io.ReadFull(r.r, hdr[:])
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		if n > 0 && errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrTruncated
		}
		return nil, err
	}
	if MaskedCRC(hdr[:8]) != binary.LittleEndian.Uint32(hdr[8:]) {
		return nil, &CorruptError{r.off, "length checksum mismatch"}
	}
	length := binary.LittleEndian.Uint64(hdr[:8])
	max := r.MaxRecord
	if max <= 0 {
		max = DefaultMaxRecord
	}
	if length > uint64(max) {
		return nil, &CorruptError{r.off, fmt.Sprintf("length %d exceeds the limit of %d bytes", length, max)}
	}
	need := int(length) + 4
	if cap(r.buf) < need {
		r.buf = make([]byte, need)
	}
	b := r.buf[:need]
	if _, err := io.ReadFull(r.r, b); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
			return nil, ErrTruncated
		}
		return nil, err
	}
	data := b[:length]
	if MaskedCRC(data) != binary.LittleEndian.Uint32(b[length:]) {
		return nil, &CorruptError{r.off, "data checksum mismatch"}
	}
	r.off += 12 + int64(need)
	return data, nil
}
