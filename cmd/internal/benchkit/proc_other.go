//go:build !linux

// Package benchkit holds what the benchmark commands share: the server
// processes they start, and how they read answers.
package benchkit

import "os/exec"

// DieWithParent does nothing where the kernel offers no parent-death signal.
func DieWithParent(*exec.Cmd) {}
