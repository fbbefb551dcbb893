// Package quote puts pieces of a bad input into error messages without
// letting the input decide how long the message is: a 100 MB CSV field or
// a corrupt 16 MB header is quoted by its first hundred bytes and its
// length. Every parser under datasets quotes input through it.
package quote

import (
	"strconv"
	"unicode/utf8"
)

// Max is the most bytes of an input an error message quotes.
const Max = 100

// String returns s quoted as Go would (strconv.Quote); when s is longer
// than Max bytes, only its first Max bytes (cut at a character boundary)
// are quoted, followed by its length: "abc"... (123456 bytes).
func String(s string) string {
	if len(s) <= Max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:boundary(s)]) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

// Bytes is String for a byte slice; it copies at most Max+1 bytes of b.
func Bytes(b []byte) string {
	if len(b) <= Max {
		return strconv.Quote(string(b))
	}
	head := string(b[:Max+1])
	return strconv.Quote(head[:boundary(head)]) + "... (" + strconv.Itoa(len(b)) + " bytes)"
}

// boundary returns where to cut s (longer than Max) so that no UTF-8
// sequence is split: Max, or up to three bytes before it.
func boundary(s string) int {
	cut := Max
	for i := 0; i < utf8.UTFMax-1 && !utf8.RuneStart(s[cut]); i++ {
		cut--
	}
	return cut
}

// Clip cuts a message that quotes input it does not control (an error from
// another library, a server's status line) to its first Max bytes, noting
// its full length; shorter messages are returned as they are, unquoted.
func Clip(s string) string {
	if len(s) <= Max {
		return s
	}
	return s[:boundary(s)] + "... (" + strconv.Itoa(len(s)) + " bytes)"
}
