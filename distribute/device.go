package distribute

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tf"
)

// WorkerDevice returns the device string naming rank k:
// "/job:worker/task:K", as TensorFlow names the tasks of a cluster.
func WorkerDevice(k int) string { return fmt.Sprintf("/job:worker/task:%d", k) }

// TaskOf returns the rank a device string names: its task, for a device of
// the job "worker" (or of no job) such as "/job:worker/task:1" or
// "/job:worker/replica:0/task:1/device:CPU:0". A device that names no task
// is rank 0's device only when size is 1 (then the only rank): otherwise
// TaskOf returns an error, as it does for another job, a task outside
// [0, size) or a string tf.ParseDevice refuses.
func TaskOf(device string, size int) (int, error) {
	d, err := tf.ParseDevice(device)
	if err != nil {
		return 0, err
	}
	if d.Job != "" && d.Job != "worker" {
		return 0, fmt.Errorf("distribute: device %q: job %q is not \"worker\", the job of the ranks", device, d.Job)
	}
	if d.Task < 0 {
		if size == 1 {
			return 0, nil
		}
		return 0, fmt.Errorf("distribute: device %q names no task (rank) of the %d", device, size)
	}
	if d.Task >= size {
		return 0, fmt.Errorf("distribute: device %q: task %d is not a rank of a job of %d", device, d.Task, size)
	}
	return d.Task, nil
}
