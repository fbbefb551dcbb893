package keras

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
)

// BackupAndRestore makes a training run that is interrupted (killed,
// crashed, stopped) continue where it stopped when the same Fit runs again
// (Keras's BackupAndRestore). It saves the whole training state in
// BackupDir at the end of every epoch, or every SaveFreq batches; when Fit
// begins and BackupDir holds a backup, it restores it and Fit goes on from
// the saved epoch and batch. When training completes the backup is deleted
// (unless KeepCheckpoint), so that running the same program again trains
// afresh, as in Keras.
//
// Unlike Keras, which restores the weights and the epoch, the state saved
// is everything the run needs to continue exactly: the weights, the
// optimizer's slots, iterations and learning rate, the position in the
// data and the shuffle generator's state, the random generators of the
// model's ops (see RandomGenerators), the interrupted epoch's metrics where
// they can be saved, and the state of every StatefulCallback (EarlyStopping,
// ReduceLROnPlateau, ModelCheckpoint, the History). So with the same seed
// (tensor.SetSeed) and thread count, a run killed at any moment and started
// again gives the same final weights, bit for bit, as one never
// interrupted. Training on a Dataset resumes by reading the interrupted
// pass again and skipping the batches done, which is exact for datasets
// whose passes repeat.
//
// Saves go through a checkpoint.Manager (atomic, checksummed files and an
// index naming the latest), so a kill during a save leaves the previous
// backup readable. A save copies the state (a memory copy) and writes the
// copy in the background while training goes on, so training stalls only
// for the copy; the next save and the end of Fit wait for the write, and
// a write's error stops Fit there. A save happens after every callback's hook for the
// batch or epoch, so it includes their changes; a batch save due at an
// epoch's last batch waits for the epoch's end (validation, callbacks).
// The model must be built when Fit begins (give it an input shape).
type BackupAndRestore struct {
	CallbackBase
	// BackupDir is the directory of the backup (created if needed). It
	// must not be shared with another training run.
	BackupDir string
	// SaveFreq is how often to save: 0 at the end of every epoch (Keras's
	// "epoch"), n > 0 every n batches.
	SaveFreq int
	// KeepCheckpoint keeps the backup when training completes (Keras's
	// delete_checkpoint=False).
	KeepCheckpoint bool
	// MaxToKeep is the number of backups kept (default 2: the latest and
	// the one before, as Keras's double_checkpoint).
	MaxToKeep int

	mgr     *checkpoint.Manager
	pending bool // a batch save waits for the epoch's end
	// writing receives the result of the save being written in the
	// background (nil when none is).
	writing chan error
	snap    map[string]*tensor.Tensor // the copies saves are written from, reused
}

// NewBackupAndRestore returns a BackupAndRestore callback with Keras's
// arguments: saveFreq is "epoch" or a number of batches (an int), and
// deleteCheckpoint deletes the backup when training completes. It panics
// on another saveFreq.
func NewBackupAndRestore(backupDir string, saveFreq any, deleteCheckpoint bool) *BackupAndRestore {
	n, err := parseSaveFreq("NewBackupAndRestore", saveFreq)
	if err != nil {
		panic(err.Error())
	}
	return &BackupAndRestore{BackupDir: backupDir, SaveFreq: n, KeepCheckpoint: !deleteCheckpoint}
}

// parseSaveFreq reads Keras's save_freq: "epoch" (0) or a positive number
// of batches.
func parseSaveFreq(who string, f any) (int, error) {
	switch x := f.(type) {
	case string:
		if x == "epoch" {
			return 0, nil
		}
	case int:
		if x > 0 {
			return x, nil
		}
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("keras: %s: save_freq must be \"epoch\" or a positive number of batches, got %v (%T)", who, f, f)
}

// OnTrainBegin implements Callback: it opens the backup directory (the
// restore itself runs after every callback's OnTrainBegin).
func (b *BackupAndRestore) OnTrainBegin(Logs) error {
	if b.BackupDir == "" {
		return errors.New("BackupDir is empty")
	}
	if b.SaveFreq < 0 {
		return fmt.Errorf("SaveFreq must be 0 (every epoch) or a positive number of batches, got %d", b.SaveFreq)
	}
	if !b.Model.Built() {
		return fmt.Errorf("model %s must be built before training with BackupAndRestore (give it an input shape, or Build it)", b.Model.Name())
	}
	keep := b.MaxToKeep
	if keep <= 0 {
		keep = 2
	}
	mgr, err := checkpoint.NewManager(b.BackupDir, keep, checkpoint.Prefix("backup"))
	if err != nil {
		return err
	}
	b.mgr, b.pending = mgr, false
	return nil
}

// afterTrainBegin restores the latest backup, if there is one.
func (b *BackupAndRestore) afterTrainBegin() error {
	latest, err := checkpoint.LatestCheckpoint(b.BackupDir)
	if err != nil || latest == "" {
		return err
	}
	s, err := checkpoint.Read(latest)
	if err != nil {
		return err
	}
	return b.Model.restoreTrainingState(s, latest)
}

// afterBatch saves every SaveFreq batches.
func (b *BackupAndRestore) afterBatch(last bool) error {
	if b.SaveFreq == 0 || b.Model.fit.global%int64(b.SaveFreq) != 0 {
		return nil
	}
	if last {
		b.pending = true
		return nil
	}
	return b.save()
}

// afterEpoch saves at the end of every epoch, or when a batch save waited
// for it.
func (b *BackupAndRestore) afterEpoch() error {
	if b.SaveFreq != 0 && !b.pending {
		return nil
	}
	b.pending = false
	return b.save()
}

// save copies the training state and writes it in the background, so
// that training stalls only for the copy; the next save, and the end of
// Fit, first wait for this one and return its error.
func (b *BackupAndRestore) save() error {
	if err := b.wait(); err != nil {
		return err
	}
	s, err := b.Model.trainingState()
	if err != nil {
		return err
	}
	if b.snap == nil {
		b.snap = map[string]*tensor.Tensor{}
	}
	for k, t := range s.Tensors {
		c := b.snap[k]
		if c == nil || c.DType() != t.DType() || !c.Shape().Equal(t.Shape()) {
			c = tensor.New(t.DType(), t.Shape()...)
			b.snap[k] = c
		}
		c.CopyFrom(t)
		s.Tensors[k] = c
	}
	done := make(chan error, 1)
	b.writing = done
	go func() {
		_, err := b.mgr.Save(s)
		done <- err
	}()
	return nil
}

// wait waits for the save being written, if any, and returns its error.
func (b *BackupAndRestore) wait() error {
	if b.writing == nil {
		return nil
	}
	err := <-b.writing
	b.writing = nil
	return err
}

// fitDone waits for the last save.
func (b *BackupAndRestore) fitDone() error { return b.wait() }

// OnTrainEnd implements Callback: training completed, so the backup is
// deleted unless KeepCheckpoint.
func (b *BackupAndRestore) OnTrainEnd(Logs) error {
	if b.KeepCheckpoint || b.mgr == nil {
		return nil
	}
	return removeBackup(b.BackupDir)
}

// removeBackup removes a backup directory's checkpoints and index, then
// the directory if nothing else is left in it.
func removeBackup(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if n == "checkpoint" || (strings.HasPrefix(strings.TrimPrefix(n, "."), "backup-") && strings.Contains(n, checkpoint.Ext)) {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	os.Remove(dir) // fails, harmlessly, when other files are there
	return nil
}
