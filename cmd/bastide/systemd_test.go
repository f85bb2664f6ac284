//go:build integration

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The systemd unit the README gives passes systemd-analyze verify with
// the real binary, and its hardening keeps systemd's exposure score low.
func TestSystemdUnit(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatalf("systemd-analyze is needed (Debian package systemd): %v", err)
	}
	unit, err := os.ReadFile(filepath.Join("deploy", "bastide.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ProtectSystem=strict", "ReadWritePaths=/var/lib/bastide", "NoNewPrivileges=yes", "User=bastide", "ExecStart=/usr/local/bin/bastide serve"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %s", want)
		}
	}
	// verify checks that ExecStart exists: point it at the binary built
	// for these tests.
	dir := t.TempDir()
	path := filepath.Join(dir, "bastide.service")
	local := strings.ReplaceAll(string(unit), "/usr/local/bin/bastide", binary)
	if err := os.WriteFile(path, []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.Command("systemd-analyze", "security", "--offline=yes", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for bastide.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	if level, _ := strconv.ParseFloat(string(m[1]), 64); level > 2.0 {
		t.Fatalf("exposure level %.1f, want at most 2.0 (systemd's 'OK'):\n%s", level, out)
	}
}
