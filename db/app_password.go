package db

import (
	"crypto/rand"
	"strings"
)

// appPasswordAlphabet avoids look-alike characters (0/O, 1/l/I), since
// people type app passwords into phones.
const appPasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewAppPassword returns a new app password to show once and store by
// HashAppPassword: 4 groups of 6 characters, 24 characters of a 57-letter
// alphabet, about 140 bits of entropy. The command line and the back
// office both make them here.
func NewAppPassword() string {
	var sb strings.Builder
	buf := make([]byte, 1)
	for i := 0; i < 24; i++ {
		if i > 0 && i%6 == 0 {
			sb.WriteByte('-')
		}
		for {
			if _, err := rand.Read(buf); err != nil {
				panic(err) // crypto/rand does not fail on supported systems
			}
			// Reject values that would bias the choice.
			if int(buf[0]) < 256-256%len(appPasswordAlphabet) {
				sb.WriteByte(appPasswordAlphabet[int(buf[0])%len(appPasswordAlphabet)])
				break
			}
		}
	}
	return sb.String()
}
