package keras

import (
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strconv"
)

// CSVLogger writes the logs of every epoch to a CSV file (epoch first, then
// the log names sorted), as Keras's CSVLogger. An error opening, writing or
// closing the file stops Fit, which returns it.
type CSVLogger struct {
	CallbackBase
	Filename  string
	Separator rune
	Append    bool

	f    *os.File
	w    *csv.Writer
	keys []string
}

// OnTrainBegin implements Callback: it opens the file.
func (c *CSVLogger) OnTrainBegin(Logs) error {
	flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if c.Append {
		flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(c.Filename, flag, 0o644)
	if err != nil {
		return err
	}
	c.f = f
	c.w = csv.NewWriter(c.f)
	if c.Separator != 0 {
		c.w.Comma = c.Separator
	}
	c.keys = nil
	return nil
}

// OnEpochEnd implements Callback: it writes the epoch's row (and the header
// before the first).
func (c *CSVLogger) OnEpochEnd(epoch int, logs Logs) error {
	if c.w == nil {
		return nil
	}
	if c.keys == nil {
		for k := range logs {
			c.keys = append(c.keys, k)
		}
		sort.Strings(c.keys)
		st, err := c.f.Stat()
		if err != nil {
			return c.fail(err)
		}
		if !c.Append || st.Size() == 0 {
			if err := c.w.Write(append([]string{"epoch"}, c.keys...)); err != nil {
				return c.fail(err)
			}
		}
	}
	row := []string{strconv.Itoa(epoch)}
	for _, k := range c.keys {
		row = append(row, strconv.FormatFloat(logs[k], 'g', -1, 64))
	}
	if err := c.w.Write(row); err != nil {
		return c.fail(err)
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return c.fail(err)
	}
	return nil
}

// OnTrainEnd implements Callback: it closes the file.
func (c *CSVLogger) OnTrainEnd(Logs) error {
	if c.f == nil {
		return nil
	}
	err := c.f.Close()
	c.f, c.w = nil, nil
	if err != nil {
		return fmt.Errorf("closing %s: %w", c.Filename, err)
	}
	return nil
}

// fail closes the file after a write error (Fit calls no more hooks) and
// returns the error naming the file.
func (c *CSVLogger) fail(err error) error {
	if c.f != nil {
		c.f.Close()
		c.f, c.w = nil, nil
	}
	return fmt.Errorf("writing %s: %w", c.Filename, err)
}
