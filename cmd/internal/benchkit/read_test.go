package benchkit

import (
	"strings"
	"testing"
)

// ReadInto reads answers of known and unknown length into one buffer that
// it keeps, growing it when an answer does not fit.
func TestReadInto(t *testing.T) {
	var buf []byte
	for _, c := range []struct {
		body  string
		known bool
	}{
		{strings.Repeat("a", 100), true},
		{strings.Repeat("b", 200<<10), false}, // beyond the first growth
		{strings.Repeat("c", 10), false},
		{"", true},
		{strings.Repeat("d", 300<<10), true},
	} {
		size := int64(-1)
		if c.known {
			size = int64(len(c.body))
		}
		n, err := ReadInto(&buf, strings.NewReader(c.body), size)
		if err != nil || string(buf[:n]) != c.body {
			t.Fatalf("read %d bytes (%v), want the %d bytes sent", n, err, len(c.body))
		}
	}
	if cap(buf) < 300<<10 {
		t.Errorf("the buffer was not kept: capacity %d", cap(buf))
	}
}
