package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/tensorgo/tensorgo/summary/board"
)

// errUsage reports bad flags or arguments, already explained on stderr.
var errUsage = errors.New("usage")

func runBoard(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("board", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:6006", "address to listen on (host:port; port 0 picks a free one)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tensorgo board [-addr HOST:PORT] LOGDIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	logdir := fs.Arg(0)
	if st, err := os.Stat(logdir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory", logdir)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tensorgo board: serving %s at http://%s/\n", logdir, ln.Addr())
	srv := &http.Server{Handler: board.New(logdir), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}
