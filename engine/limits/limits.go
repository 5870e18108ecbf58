// Package limits bounds what authlab reads from the files it is given:
// their size, how deeply they nest, and how far YAML aliases expand.
//
// Gateway and scenario files often come from somewhere else (a pull request,
// a colleague's branch). A few hundred bytes of nested aliases or brackets
// must not cost minutes and gigabytes: every loader reads through here and
// refuses a file past a limit with a message that names the file and the
// limit. The README lists the limits (section "Limits").
package limits

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

const (
	// MaxConfigBytes bounds a gateway or scenario file. Real ones are a few
	// kilobytes; the YAML parser needs about a hundred times a file's size
	// in memory, so the limit is what keeps a load under ~100 MB.
	MaxConfigBytes = 1 << 20
	// MaxTokens bounds the YAML tokens (keys, values, punctuation) of a
	// gateway or scenario file: the parser needs about half a kilobyte for
	// each. Real files have a few hundred; 100,000 is some 700 KB of YAML.
	MaxTokens = 100_000
	// MaxMappingKeys bounds the keys of one block mapping: the parser's time
	// grows with their square. Flow mappings ({k: v, ...}) are not bounded
	// but by MaxTokens.
	MaxMappingKeys = 500
	// MaxKeyBytes bounds a key, JWKS, secret or claims file.
	MaxKeyBytes = 1 << 20
	// MaxTokenBytes bounds a token read from standard input.
	MaxTokenBytes = 1 << 20
	// MaxBodyBytes bounds a request body that fire and scenarios read from
	// a file or standard input: API Gateway's 10 MB payload limit (AWS-E6).
	MaxBodyBytes = 10 << 20
	// MaxTraceBytes bounds a kept trace file (serve --trace-dir, --json).
	MaxTraceBytes = 16 << 20
	// MaxDepth bounds the nesting of mappings and lists (YAML) or objects
	// and arrays (JSON), aliases expanded.
	MaxDepth = 100
	// MaxAliases bounds the alias uses (*name) of one YAML file.
	MaxAliases = 10_000
	// MaxAliasNodes bounds the nodes that the alias uses of one YAML file
	// add once expanded (a "billion laughs" file adds billions).
	MaxAliasNodes = 100_000
)

// TooLargeError says a file (or input) is over its size limit. Nothing past
// the limit was read.
type TooLargeError struct {
	Path  string // the file, or "stdin"
	What  string // "gateway file", "key file"
	Limit int64
	Size  int64 // the file's size when known, else 0
}

// Reason is the message without the file name, for a positioned diagnostic.
func (e *TooLargeError) Reason() string {
	size := "more than " + Size(e.Limit)
	if e.Size > e.Limit {
		size = Size(e.Size)
	}
	return fmt.Sprintf("%s too large: %s, over the %s limit; expected at most %d bytes", e.What, size, Size(e.Limit), e.Limit)
}

func (e *TooLargeError) Error() string { return e.Path + ": " + e.Reason() }

// IsTooLarge reports whether err is (or wraps) a *TooLargeError.
func IsTooLarge(err error) bool {
	var t *TooLargeError
	return errors.As(err, &t)
}

// Size formats a byte count the way the limits are written: 1 MiB, 16 MiB,
// 512 KiB, 2.5 MiB, 300 bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return trim(float64(n)/(1<<30)) + " GiB"
	case n >= 1<<20:
		return trim(float64(n)/(1<<20)) + " MiB"
	case n >= 1<<10:
		return trim(float64(n)/(1<<10)) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trim(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}

// ReadFile reads at most limit bytes of the file at path. A larger file is
// not read whole: the error is a *TooLargeError and data holds the first
// limit bytes (enough to tell what kind of file it is). what names the file
// in the message ("gateway file").
func ReadFile(path, what string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := read(f, limit)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		e := &TooLargeError{Path: path, What: what, Limit: limit}
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			e.Size = st.Size()
		}
		return data[:limit], e
	}
	return data, nil
}

// ReadAll reads at most limit bytes of r (standard input); more is a
// *TooLargeError naming name, never a silent cut.
func ReadAll(r io.Reader, name, what string, limit int64) ([]byte, error) {
	data, err := read(r, limit)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: name, What: what, Limit: limit}
	}
	return data, nil
}

// read reads up to limit+1 bytes, so a caller can tell "exactly the limit"
// from "over it".
func read(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, limit+1))
}

// bom is the UTF-8 byte order mark some Windows editors write first.
var bom = []byte("\xef\xbb\xbf")

// StripBOM drops a leading UTF-8 byte order mark: it is not part of the
// text, and YAML and JSON parsers would read it as the start of a key.
func StripBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, bom)
}

// DepthError says JSON nests deeper than allowed, at a 1-based line and
// column.
type DepthError struct {
	Line, Col int
	Limit     int
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("%d:%d: nesting too deep: more than %d levels of objects and arrays; expected at most %d", e.Line, e.Col, e.Limit, e.Limit)
}

// CheckJSONDepth scans JSON text (without parsing it) and returns a
// *DepthError at the bracket that opens level limit+1. Invalid JSON is left
// to the parser. The scan is linear and allocates nothing.
func CheckJSONDepth(data []byte, limit int) error {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > limit {
				line, col := Position(data, i)
				return &DepthError{Line: line, Col: col, Limit: limit}
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}

// Position returns the 1-based line and column (in bytes) of offset.
func Position(data []byte, offset int) (line, col int) {
	offset = min(offset, len(data))
	line = 1 + bytes.Count(data[:offset], []byte("\n"))
	col = offset + 1
	if nl := bytes.LastIndexByte(data[:offset], '\n'); nl >= 0 {
		col = offset - nl
	}
	return line, col
}
