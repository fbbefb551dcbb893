// Package tbpb holds the Go types of TensorBoard's event-file messages,
// generated from tbpb.proto by protoc-gen-go.
package tbpb

//go:generate protoc -I . -I /usr/include --go_out=. --go_opt=paths=source_relative tbpb.proto
