package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/bastide47/bastide/db"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// buildInfo returns the version, the VCS commit (with "+dirty" when the
// tree had changes) and the Go version the binary was built with.
func buildInfo() (ver, commit, goVersion string) {
	ver, commit, goVersion = version, "unknown", runtime.Version()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if ver == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		ver = bi.Main.Version
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		commit = rev
		if modified == "true" {
			commit += "+dirty"
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
