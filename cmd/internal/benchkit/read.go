package benchkit

import "io"

// ReadInto reads r to its end into *buf, growing it (to at least size
// when known, size <= 0 otherwise) and keeping it for the next answer, so
// that a client timing a server does not count its own allocations and
// page faults; it returns the length.
func ReadInto(buf *[]byte, r io.Reader, size int64) (int, error) {
	if size > 0 && size < 64<<20 && int(size) > cap(*buf) {
		*buf = make([]byte, size)
	}
	b := (*buf)[:cap(*buf)]
	n := 0
	for {
		if n == len(b) {
			nb := make([]byte, max(2*len(b), 64<<10))
			copy(nb, b[:n])
			b = nb
			*buf = b
		}
		m, err := r.Read(b[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
