package board_test

import (
	"log"
	"net/http"

	"github.com/tensorgo/tensorgo/summary/board"
)

// Serve the event files under logs/ (runs such as logs/train and
// logs/validation) on port 6006, as `tensorgo board logs` does.
func ExampleNew() {
	log.Fatal(http.ListenAndServe("127.0.0.1:6006", board.New("logs")))
}
