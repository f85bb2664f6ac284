package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/bastide47/bastide/db"
)

// readNewPassword reads a password for a user: prompted twice without echo
// when standard input is a terminal, else the first line of standard input
// (so that scripts can pipe it in).
func readNewPassword(app *App, username string) (string, error) {
	if f, ok := app.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(app.Stderr, "New password for %s (at least %d characters): ", username, db.MinPasswordLen)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(app.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprintf(app.Stderr, "Same password again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(app.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ; nothing was changed")
		}
		return checkPassword(string(a))
	}
	line, err := bufio.NewReader(io.LimitReader(app.Stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("no password on standard input: pipe it in, e.g. `printf '%%s\\n' \"$PASSWORD\" | bastide user add %s`, or run the command in a terminal to be prompted", username)
	}
	return checkPassword(pw)
}

func checkPassword(pw string) (string, error) {
	if len(pw) < db.MinPasswordLen {
		return "", fmt.Errorf("the password is too short: use at least %d characters; nothing was changed", db.MinPasswordLen)
	}
	if len(pw) > db.MaxPasswordLen {
		return "", fmt.Errorf("the password is too long: at most %d bytes; nothing was changed", db.MaxPasswordLen)
	}
	return pw, nil
}
