package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/bastide47/bastide/db"
)

// version and commit may be set at build time with
// -ldflags "-X main.version=v1.2.3 -X main.commit=abc123" (the Makefile
// does); otherwise they come from the module and VCS build information.
var (
	version = "dev"
	commit  = ""
)

// buildInfo returns the version, the VCS commit (with "+dirty" when the
// tree had changes) and the Go version the binary was built with.
func buildInfo() (ver, rev, goVersion string) {
	ver, rev, goVersion = version, "unknown", runtime.Version()
	if commit != "" {
		rev = commit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if ver == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		ver = bi.Main.Version
	}
	var vcsRev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			vcsRev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if vcsRev != "" && commit == "" {
		rev = vcsRev[:min(12, len(vcsRev))]
		if modified == "true" {
			rev += "+dirty"
		}
	}
	return
}

func init() {
	register(&Command{
		Name:    "version",
		Summary: "print the version, commit, Go version and database schema version",
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, _ []string) error {
				ver, commit, gov := buildInfo()
				fmt.Fprintf(app.Stdout, "bastide %s\ncommit: %s\ngo: %s\nschema: %d\n", ver, commit, gov, db.SchemaVersion())
				return nil
			}
		},
	})
}
