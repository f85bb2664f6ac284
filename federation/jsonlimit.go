package federation

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// errTooLarge is a body over the cap.
var errTooLarge = errors.New("request body too large")

// readBody reads at most max bytes of r's body; more is errTooLarge,
// without reading on.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, errTooLarge
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, errTooLarge
		}
		return nil, err
	}
	return b, nil
}

// checkDepth refuses JSON nested deeper than max (objects and arrays),
// scanning the bytes once before any decoder builds a tree.
func checkDepth(b []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return fmt.Errorf("JSON nested deeper than %d levels", max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
