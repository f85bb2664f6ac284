package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/bastide47/bastide/db"
)

// metaBaseURL is the meta key under which the first serve records the
// instance's public URL.
const metaBaseURL = "base_url"

// instanceBaseURL reconciles the base URL a command was given with the one
// the database recorded at its first serve. ActivityPub ids, CalDAV
// addresses and feed links are built from it and are kept by every
// follower and calendar app: once recorded it never changes.
//
// It returns the URL to use: the recorded one when given is empty, given
// when nothing is recorded yet (serve, with record set, records it), and
// an error that says what to do when the two differ.
func instanceBaseURL(ctx context.Context, store *db.Store, given string, record bool) (string, error) {
	given = strings.TrimRight(given, "/")
	var stored string
	var err error
	if record && given != "" {
		stored, err = store.InitMeta(ctx, metaBaseURL, given)
	} else if stored, err = store.GetMeta(ctx, metaBaseURL); errors.Is(err, db.ErrNotFound) {
		return given, nil
	}
	if err != nil {
		return "", err
	}
	if given != "" && stored != given {
		return "", fmt.Errorf("this database belongs to the instance %s (recorded at its first start), not %s: the fediverse and calendar apps know its events by addresses built from it, so it cannot change. Give --base-url %s (or start serve with the --addr it had), or use another --data directory for a new instance", stored, given, stored)
	}
	return stored, nil
}

// serveLock is held by a running serve on its data directory, so that a
// second serve on the same database (with its own publisher and delivery
// workers sending everything twice) refuses to start. The kernel releases
// it when the process ends, however it ends.
type serveLock struct{ f *os.File }

func lockDataDir(dataDir string) (*serveLock, error) {
	path := filepath.Join(dataDir, "serve.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil && strings.TrimSpace(string(b)) != "" {
			pid = "process " + strings.TrimSpace(string(b))
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another `bastide serve` (%s) already runs on the data directory %s: stop it first, or give this one another --data", pid, dataDir)
		}
		return nil, fmt.Errorf("lock the data directory: %w", err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &serveLock{f: f}, nil
}

func (l *serveLock) release() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
