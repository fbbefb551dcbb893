package datasets

import (
	"errors"
	"time"
)

// ErrTooLarge is wrapped by the errors of a file whose header declares more
// than the budget (DefaultMaxBytes, MaxBytes) or an image larger than its
// pixel limit: errors.Is(err, ErrTooLarge) tells them from corrupt files.
var ErrTooLarge = errors.New("too large to decode")

// DefaultMaxBytes is the most a loader decodes from one file (an IDX or
// .npy array; all the members of an .npz together) unless a call sets its
// own budget with MaxBytes: 1 GiB. A file whose header declares more is
// refused before anything is allocated, so a small hostile file (a
// decompression bomb: a few megabytes of gzip that inflate to gigabytes)
// cannot exhaust memory. A program that loads bigger arrays may raise it,
// before it starts loading, or pass MaxBytes to the calls that need more.
var DefaultMaxBytes int64 = 1 << 30

// Timeouts of downloads when a call sets none (see Timeouts).
const (
	// DefaultConnectTimeout bounds connecting to a mirror and waiting for
	// its response headers.
	DefaultConnectTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds the wait for the next bytes of a response
	// body: a mirror that stalls mid-file for longer is abandoned and the
	// next one tried.
	DefaultIdleTimeout = 30 * time.Second
)

// MaxBytes sets the decoded-size budget of one call: the most bytes a file
// (or an archive's members together) may decode to. n <= 0 means
// DefaultMaxBytes.
func MaxBytes(n int64) Option { return func(c *Config) { c.MaxBytes = n } }

// Timeouts sets a download's connect timeout (connecting and waiting for
// the response headers) and its idle timeout (the longest wait between two
// reads that bring bytes). Zero keeps the default.
func Timeouts(connect, idle time.Duration) Option {
	return func(c *Config) { c.ConnectTimeout, c.IdleTimeout = connect, idle }
}

// Budget returns the decoded-size budget c sets: MaxBytes, or
// DefaultMaxBytes when that is not positive.
func (c Config) Budget() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

// Connect returns the connect timeout c sets, or DefaultConnectTimeout.
func (c Config) Connect() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return DefaultConnectTimeout
}

// Idle returns the idle-read timeout c sets, or DefaultIdleTimeout.
func (c Config) Idle() time.Duration {
	if c.IdleTimeout > 0 {
		return c.IdleTimeout
	}
	return DefaultIdleTimeout
}
