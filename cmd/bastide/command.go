package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
)

// Command is one subcommand. Each lives in its own file and registers itself
// from init() with register, so that a package owner can add a command (for
// example follow.go) without touching this file.
type Command struct {
	// Name is the word or words after "bastide": "serve", "user add".
	Name string
	// Args is the synopsis of the positional arguments: "USERNAME".
	Args string
	// Summary is one line for the command list.
	Summary string
	// Help is the longer description shown by --help.
	Help string
	// MinArgs and MaxArgs bound the number of positional arguments
	// (MaxArgs < 0: no upper bound).
	MinArgs, MaxArgs int
	// Setup declares the command's own flags on fs and returns the function
	// that runs it. The common flags (--data, --log-format, --log-level) are
	// declared already and read through app.
	Setup func(fs *flag.FlagSet, app *App) Runner
}

// Runner runs a command with its positional arguments.
type Runner func(ctx context.Context, app *App, args []string) error

var commands = map[string]*Command{}

// register adds a command; two commands with one name are a programmer error.
func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("bastide: command " + c.Name + " registered twice")
	}
	if c.Setup == nil || c.Summary == "" {
		panic("bastide: command " + c.Name + " needs Setup and Summary")
	}
	commands[c.Name] = c
}

// groups lists the first words that only introduce subcommands ("user").
func groups() map[string][]*Command {
	g := map[string][]*Command{}
	for name, c := range commands {
		if first, _, ok := strings.Cut(name, " "); ok {
			g[first] = append(g[first], c)
		}
	}
	for _, cs := range g {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
	}
	return g
}

// App is what every command gets: standard streams, the environment, the
// common settings and the logger built from them.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	DataDir   string
	LogFormat string
	LogLevel  string
	Logger    *slog.Logger

	// DataDirChosen is true when --data or BASTIDE_DATA was given, false
	// when the default ./data is in use.
	DataDirChosen bool
}

// DBPath is the database file inside the data directory.
func (a *App) DBPath() string { return filepath.Join(a.DataDir, "bastide.db") }

// OpenStore opens (and migrates) the database. Commands that only make
// sense on an existing database pass mustExist, so that a mistyped --data
// does not silently create an empty one.
func (a *App) OpenStore(ctx context.Context, mustExist bool) (*db.Store, error) {
	path := a.DBPath()
	if mustExist {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: check --data (or BASTIDE_DATA), or create it with `bastide serve` or `bastide user add`", path)
		}
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		abs, _ := filepath.Abs(path)
		if a.DataDirChosen {
			fmt.Fprintf(a.Stderr, "bastide: creating a new database at %s\n", abs)
		} else {
			fmt.Fprintf(a.Stderr, "bastide: no --data given and no database in %s: creating a new one at %s (choose its place with --data DIRECTORY or BASTIDE_DATA)\n", a.DataDir, abs)
		}
	}
	s, err := db.Open(ctx, path)
	if err != nil {
		if errors.Is(err, db.ErrTooNew) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, err
	}
	return s, nil
}

// usageError makes main print the command's usage and exit with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// envName is the environment variable that backs a flag.
func envName(flagName string) string {
	return "BASTIDE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// addCommonFlags declares the flags every command has.
func addCommonFlags(fs *flag.FlagSet, app *App) {
	fs.StringVar(&app.DataDir, "data", "./data", "data `directory`; the database is the file bastide.db inside it")
	fs.StringVar(&app.LogFormat, "log-format", "auto", "log `format`: text, json, or auto (text on a terminal, JSON otherwise)")
	fs.StringVar(&app.LogLevel, "log-level", "info", "log `level`: debug, info, warn or error")
}

// parseFlags applies the BASTIDE_* environment variables, then the
// command-line flags (which win). Flags may come before, between or after
// the positional arguments; "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) ([]string, error) {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if envErr != nil {
			return
		}
		name := envName(f.Name)
		if v, ok := lookup(getenv, name); ok {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = usagef("environment variable %s=%q: %v", name, v, err)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		// flag.Parse stops at "--" (consumed) or at the first non-flag.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// flagChosen tells whether a flag was set on the command line or through
// its environment variable (parseFlags sets those on fs too), rather than
// left at its default.
func flagChosen(fs *flag.FlagSet, name string) bool {
	chosen := false
	fs.Visit(func(f *flag.Flag) { chosen = chosen || f.Name == name })
	return chosen
}

// lookup reads an environment variable; an empty value counts as unset.
func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// printUsage writes the command's help with every flag and its variable.
func printUsage(w io.Writer, c *Command, fs *flag.FlagSet) {
	synopsis := "bastide " + c.Name
	if c.Args != "" {
		synopsis += " " + c.Args
	}
	fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n", synopsis, c.Summary)
	if c.Help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Help))
	}
	fmt.Fprintf(w, "\nFlags (each one can also be set with the environment variable shown):\n")
	fs.VisitAll(func(f *flag.Flag) {
		kind := ""
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			kind = " " + flagKind(f)
		}
		extra := envName(f.Name)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			extra += ", default " + f.DefValue
		}
		_, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s%s  (%s)\n", f.Name, kind, extra)
		for _, line := range wrap(usage, 72) {
			fmt.Fprintf(w, "        %s\n", line)
		}
	})
}

// wrap cuts text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func flagKind(f *flag.Flag) string {
	name, _ := flag.UnquoteUsage(f)
	if name == "" {
		return "VALUE"
	}
	return strings.ToUpper(name)
}

// printCommands writes the list of commands (all, or those of one group).
func printCommands(w io.Writer, group string) {
	var names []string
	for name := range commands {
		if group == "" || strings.HasPrefix(name, group+" ") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, n := range names {
		c := commands[n]
		syn := n
		if c.Args != "" {
			syn += " " + c.Args
		}
		fmt.Fprintf(tw, "  %s\t%s\n", syn, c.Summary)
	}
	tw.Flush()
}
