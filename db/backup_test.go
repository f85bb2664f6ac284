package db_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/dbtest"
)

// TestBackupIsPrivate: a backup holds password hashes and private keys, so
// it is readable by its owner only, and never overwrites a file.
func TestBackupIsPrivate(t *testing.T) {
	s := dbtest.New(t)
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "sub", "copy.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
		t.Errorf("backup mode %v, size %d; want -rw------- and data", fi.Mode().Perm(), fi.Size())
	}
	ents, _ := os.ReadDir(filepath.Dir(dest))
	if len(ents) != 1 {
		t.Errorf("backup left %d files: %v", len(ents), ents)
	}
	if err := s.Backup(ctx, dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second backup to the same file: %v", err)
	}
	if fi2, _ := os.Stat(dest); fi2.Size() != fi.Size() {
		t.Error("the refused backup changed the file")
	}
}
