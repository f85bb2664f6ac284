package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const topHelp = `Bastide: the shared events calendar of the associations of the Lot-et-Garonne.
One program serves the CalDAV calendars, the public agenda and the ActivityPub
bridge to Mobilizon; the commands below manage it.

Usage: bastide COMMAND [arguments] [flags]

Commands:
`

func printTop(w io.Writer) {
	fmt.Fprint(w, topHelp)
	printCommands(w, "")
	fmt.Fprint(w, "\nRun `bastide COMMAND --help` for the flags of a command. Every flag can also be\nset with an environment variable: --base-url is BASTIDE_BASE_URL, --data is BASTIDE_DATA.\n")
}

// Main runs bastide with args (without the program name) and returns the
// exit status: 0 on success, 1 on failure, 2 on bad usage.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		printTop(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return Main(ctx, append(args[1:], "--help"), stdin, stdout, stderr, getenv)
		}
		printTop(stdout)
		return 0
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	var c *Command
	rest := args
	if len(args) >= 2 {
		if cmd, ok := commands[args[0]+" "+args[1]]; ok {
			c, rest = cmd, args[2:]
		}
	}
	if c == nil {
		if cmd, ok := commands[args[0]]; ok {
			c, rest = cmd, args[1:]
		}
	}
	if c == nil {
		if subs, ok := groups()[args[0]]; ok {
			w, status := stderr, 2
			if len(args) > 1 && (args[1] == "--help" || args[1] == "-h" || args[1] == "help") {
				w, status = stdout, 0
			} else if len(args) > 1 {
				fmt.Fprintf(w, "bastide: unknown command %q\n\n", args[0]+" "+args[1])
			} else {
				fmt.Fprintf(w, "bastide: %q needs a subcommand\n\n", args[0])
			}
			fmt.Fprintf(w, "Usage: bastide %s SUBCOMMAND [arguments] [flags]\n\nSubcommands:\n", subs[0].Name[:strings.IndexByte(subs[0].Name, ' ')])
			printCommands(w, args[0])
			return status
		}
		fmt.Fprintf(stderr, "bastide: unknown command %q\n\n", args[0])
		printTop(stderr)
		return 2
	}

	app := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	fs := newFlagSet(c, app)
	run := c.Setup(fs, app)
	pos, err := parseFlags(fs, rest, getenv)
	if err == nil {
		app.DataDirChosen = flagChosen(fs, "data")
	}
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout, c, fs)
		return 0
	}
	if err == nil {
		switch {
		case len(pos) < c.MinArgs:
			err = usagef("missing argument: %s", c.Args)
		case c.MaxArgs >= 0 && len(pos) > c.MaxArgs:
			err = usagef("too many arguments: %s", strings.Join(pos[c.MaxArgs:], " "))
		}
	}
	if err == nil {
		app.Logger, err = newLogger(stderr, app.LogFormat, app.LogLevel)
	}
	if err == nil {
		err = run(ctx, app, pos)
	}
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "bastide %s: %s\n\n", c.Name, ue.msg)
		printUsage(stderr, c, fs)
		return 2
	}
	fmt.Fprintf(stderr, "bastide %s: %s\n", c.Name, cleanError(err))
	return 1
}

func main() {
	ctx := context.Background()
	os.Exit(Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// cleanError drops the package prefixes ("db: ") that help in logs but
// not a person reading a terminal.
func cleanError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "db: ")
	return strings.ReplaceAll(msg, ": db: ", ": ")
}

// newFlagSet returns the command's flag set with the common flags; the
// command's own are added by its Setup.
func newFlagSet(c *Command, app *App) *flag.FlagSet {
	fs := flag.NewFlagSet("bastide "+c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addCommonFlags(fs, app)
	return fs
}
