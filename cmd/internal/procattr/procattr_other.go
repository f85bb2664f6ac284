//go:build !linux

// Package procattr holds what the benchmark commands share about the
// server processes they start.
package procattr

import "os/exec"

// DieWithParent does nothing where the kernel offers no parent-death signal.
func DieWithParent(*exec.Cmd) {}
