package db

import "sync/atomic"

// CountBcrypt counts the bcrypt comparisons made until the test ends.
func CountBcrypt(t interface{ Cleanup(func()) }) *atomic.Int64 {
	var n atomic.Int64
	orig := bcryptCompare
	bcryptCompare = func(hash, password []byte) error {
		n.Add(1)
		return orig(hash, password)
	}
	t.Cleanup(func() { bcryptCompare = orig })
	return &n
}
