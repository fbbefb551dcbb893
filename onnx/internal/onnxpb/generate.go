// Package onnxpb holds the Go types of ONNX's model format, generated from
// onnxpb.proto by protoc-gen-go.
package onnxpb

//go:generate protoc -I . --go_out=. --go_opt=paths=source_relative onnxpb.proto
