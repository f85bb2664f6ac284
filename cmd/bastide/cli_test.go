package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// binary is the bastide program built once by TestMain: the CLI tests run
// it as a user would, with its exit status, streams and signals.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bastide-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "bastide")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build bastide:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// cli runs the binary with a data directory, an environment cleared of
// BASTIDE_* variables and the given standard input.
func cli(t *testing.T, data, stdin string, args ...string) result {
	t.Helper()
	return cliEnv(t, data, stdin, nil, args...)
}

func cliEnv(t *testing.T, data, stdin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(cleanEnv(), "BASTIDE_DATA="+data, "BASTIDE_LOG_FORMAT=text")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run bastide %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BASTIDE_") {
			env = append(env, kv)
		}
	}
	return env
}

func (r result) must(t *testing.T, code int, contains ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	all := r.stdout + r.stderr
	for _, c := range contains {
		if !strings.Contains(all, c) {
			t.Fatalf("output does not contain %q\nstdout: %s\nstderr: %s", c, r.stdout, r.stderr)
		}
	}
}

// state summarises the database so that a test can check that a refused
// command changed nothing.
func state(t *testing.T, data string) string {
	t.Helper()
	c, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "bastide.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sb strings.Builder
	for _, q := range []string{
		"SELECT count(*) FROM users", "SELECT ifnull(group_concat(password_hash), '') FROM users",
		"SELECT count(*) FROM app_passwords", "SELECT count(*) FROM associations", "SELECT count(*) FROM memberships",
		"SELECT ifnull(group_concat(role), '') FROM memberships", "SELECT count(*) FROM calendars",
		"SELECT count(*) FROM events", "SELECT count(*) FROM event_instances", "SELECT ifnull(max(seq), 0) FROM changes",
		"SELECT count(*) FROM places",
	} {
		var v string
		if err := c.QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&sb, "%s=%s\n", q, v)
	}
	return sb.String()
}

func openStore(t *testing.T, data string) *db.Store {
	t.Helper()
	s, err := db.Open(context.Background(), filepath.Join(data, "bastide.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestUsageAndHelp(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "").must(t, 2, "Usage: bastide COMMAND", "serve", "import")
	cli(t, data, "", "--help").must(t, 0, "Commands:", "app-password add", "member remove")
	cli(t, data, "", "frobnicate").must(t, 2, `unknown command "frobnicate"`)
	cli(t, data, "", "user").must(t, 2, `"user" needs a subcommand`, "user add", "user passwd", "user list")
	cli(t, data, "", "user", "--help").must(t, 0, "user add")
	cli(t, data, "", "user", "delete", "x").must(t, 2, `unknown command "user delete"`)
	for name := range commands {
		args := append(strings.Fields(name), "--help")
		r := cli(t, data, "", args...)
		r.must(t, 0, "Usage: bastide "+name, "--data DIRECTORY", "(BASTIDE_DATA, default ./data)")
	}
	cli(t, data, "", "serve", "--port", "80").must(t, 2, "flag provided but not defined: -port", "Usage: bastide serve")
	cli(t, data, "", "user", "add").must(t, 2, "missing argument: USERNAME")
	cli(t, data, "", "user", "list", "extra").must(t, 2, "too many arguments: extra")
	cli(t, data, "", "user", "list", "--log-format", "xml").must(t, 2, "--log-format")
	cliEnv(t, data, "", []string{"BASTIDE_LOG_LEVEL=loud"}, "user", "list").must(t, 2, "--log-level")
	// A read command does not create a database where there is none.
	cli(t, data, "", "user", "list").must(t, 1, "no database at")
	if _, err := os.Stat(filepath.Join(data, "bastide.db")); err == nil {
		t.Fatal("user list created a database")
	}
}

func TestVersion(t *testing.T) {
	r := cli(t, t.TempDir(), "", "version")
	r.must(t, 0, "bastide ", "go: go1.", fmt.Sprintf("schema: %d", db.SchemaVersion()))
	if !regexp.MustCompile(`commit: \S+`).MatchString(r.stdout) {
		t.Fatalf("no commit line: %s", r.stdout)
	}
	if alias := cli(t, t.TempDir(), "", "--version"); alias.code != 0 || alias.stdout != r.stdout {
		t.Fatalf("--version: %+v", alias)
	}
}

func TestUsers(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "short\n", "user", "add", "alice").must(t, 1, "too short")
	if _, err := os.Stat(filepath.Join(data, "bastide.db")); err == nil {
		t.Fatal("a refused user add left a database behind")
	}
	cli(t, data, "", "user", "add", "alice").must(t, 1, "no password on standard input")
	cli(t, data, "correct horse battery\n", "user", "add", "Alice!").must(t, 1, "username")
	cli(t, data, "correct horse battery\n", "user", "add", "alice", "--display-name", "Alice Martin", "--email", "alice@example.org", "--admin").
		must(t, 0, "Created administrator alice")
	before := state(t, data)
	cli(t, data, "another password\n", "user", "add", "alice").must(t, 1, `user "alice" already exists`)
	cli(t, data, "xx\n", "user", "passwd", "alice").must(t, 1, "too short")
	cli(t, data, "whatever-pass\n", "user", "passwd", "bob").must(t, 1, `no user "bob"`)
	cli(t, data, "correct horse battery\n", "user", "add", "bob", "--email", "not-an-address").must(t, 1, "email")
	if after := state(t, data); after != before {
		t.Fatalf("refused commands changed the database:\nbefore %s\nafter %s", before, after)
	}
	// Flags may follow or precede the username; env fills the rest.
	cliEnv(t, data, "bob's password\n", []string{"BASTIDE_DISPLAY_NAME=Bob Env"}, "user", "add", "--email", "bob@example.org", "bob").must(t, 0, "Created user bob")
	r := cli(t, data, "", "user", "list")
	r.must(t, 0, "alice", "Alice Martin", "alice@example.org", "yes", "bob", "Bob Env")

	s := openStore(t, data)
	ctx := context.Background()
	if _, err := s.CheckUserPassword(ctx, "alice", "correct horse battery"); err != nil {
		t.Fatalf("alice's password: %v", err)
	}
	cli(t, data, "a brand new password\n", "user", "passwd", "alice").must(t, 0, "Password of alice changed")
	if _, err := s.CheckUserPassword(ctx, "alice", "correct horse battery"); err == nil {
		t.Fatal("the old password still works")
	}
	if _, err := s.CheckUserPassword(ctx, "alice", "a brand new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

func TestAssociationsMembersAppPasswords(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "", "association", "add", "comite-nerac").must(t, 2, "--name is required")
	cli(t, data, "", "association", "add", "Comité", "--name", "x").must(t, 1, "slug")
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Comité", "--commune", "Atlantis").must(t, 2, `--commune "Atlantis"`)
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Comité des fêtes de Nérac", "--commune", "nerac", "--website", "https://nerac.example.org").
		must(t, 0, `Created association comite-nerac`, `"agenda"`)
	cli(t, data, "", "association", "add", "amis-agen", "--name", "Les Amis d'Agen", "--commune", "47001").must(t, 0)
	before := state(t, data)
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Again").must(t, 1, `association "comite-nerac" already exists`)
	cli(t, data, "", "association", "add", "x", "--name", "X", "--website", "ftp://x").must(t, 1, "website")
	cli(t, data, "", "member", "add", "comite-nerac", "alice", "--role", "boss").must(t, 2, `--role "boss"`)
	cli(t, data, "", "member", "add", "comite-nerac", "alice").must(t, 2, "--role")
	cli(t, data, "", "member", "add", "nowhere", "alice", "--role", "owner").must(t, 1, `no association "nowhere"`)
	cli(t, data, "", "member", "add", "comite-nerac", "zoe", "--role", "owner").must(t, 1, `no user "zoe"`)
	cli(t, data, "", "member", "remove", "comite-nerac", "alice").must(t, 1, "alice is not a member of comite-nerac")
	cli(t, data, "", "app-password", "add", "alice").must(t, 2, "--name is required")
	cli(t, data, "", "app-password", "add", "zoe", "--name", "phone").must(t, 1, `no user "zoe"`)
	cli(t, data, "", "app-password", "revoke", "alice", "--name", "phone").must(t, 1, `no app password named "phone"`)
	if after := state(t, data); after != before {
		t.Fatalf("refused commands changed the database:\nbefore %s\nafter %s", before, after)
	}

	r := cli(t, data, "", "association", "list")
	r.must(t, 0, "comite-nerac", "Comité des fêtes de Nérac", "Nérac", "agenda", "amis-agen", "Agen")

	cli(t, data, "", "member", "add", "comite-nerac", "alice", "--role", "editor").must(t, 0, "alice is now editor of comite-nerac")
	cli(t, data, "", "member", "add", "comite-nerac", "alice", "--role", "owner").must(t, 0, "(was editor)")
	cli(t, data, "", "member", "add", "comite-nerac", "alice", "--role", "owner").must(t, 0, "nothing changed")
	s := openStore(t, data)
	ctx := context.Background()
	u, _ := s.GetUserByUsername(ctx, "alice")
	a, _ := s.GetAssociationBySlug(ctx, "comite-nerac")
	if a.CommuneINSEE != "47195" {
		t.Fatalf("commune %q, want Nérac 47195", a.CommuneINSEE)
	}
	if role, err := s.GetRole(ctx, u.ID, a.ID); err != nil || role != "owner" {
		t.Fatalf("role %q, %v", role, err)
	}
	cal, err := s.GetAssociationCalendar(ctx, a.ID, "agenda")
	if err != nil || !cal.Public {
		t.Fatalf("default calendar: %+v, %v", cal, err)
	}
	// The last owner stays (TestLastOwnerCommands); an editor may go.
	cli(t, data, "", "member", "remove", "comite-nerac", "alice").must(t, 1, "last owner")
	cli(t, data, "", "member", "add", "amis-agen", "alice", "--role", "editor").must(t, 0)
	cli(t, data, "", "member", "remove", "amis-agen", "alice").must(t, 0, "no longer a member")
	if ag, _ := s.GetAssociationBySlug(ctx, "amis-agen"); ag == nil {
		t.Fatal("amis-agen is gone")
	} else if _, err := s.GetRole(ctx, u.ID, ag.ID); err == nil {
		t.Fatal("still a member")
	}

	r = cliEnv(t, data, "", []string{"BASTIDE_BASE_URL=https://agenda.example.org"}, "app-password", "add", "alice", "--name", "phone")
	r.must(t, 0, "shown only this once", "https://agenda.example.org/dav/", "username: alice")
	// The password alone on standard output, for scripts.
	pw := regexp.MustCompile(`^([A-Za-z0-9]{6}(?:-[A-Za-z0-9]{6}){3})\n$`).FindStringSubmatch(r.stdout)
	if pw == nil {
		t.Fatalf("standard output is not just the password: %q", r.stdout)
	}
	if strings.Contains(state(t, data), pw[1]) {
		t.Fatal("the app password is stored in clear")
	}
	cli(t, data, "", "app-password", "add", "alice", "--name", "phone").must(t, 1, `already has an app password named "phone"`)
	cli(t, data, "", "app-password", "list", "alice").must(t, 0, "phone", "never")
	if _, err := s.CheckUserPassword(ctx, "alice", pw[1]); err != nil {
		t.Fatalf("app password refused: %v", err)
	}
	cli(t, data, "", "app-password", "list", "alice").must(t, 0, "phone")
	if strings.Contains(cli(t, data, "", "app-password", "list", "alice").stdout, "never") {
		t.Fatal("last use not recorded")
	}
	cli(t, data, "", "app-password", "revoke", "alice", "--name", "phone").must(t, 0, `Revoked the app password "phone"`)
	if _, err := s.CheckUserPassword(ctx, "alice", pw[1]); err == nil {
		t.Fatal("revoked app password still accepted")
	}
	cli(t, data, "", "app-password", "list", "alice").must(t, 0, "alice has no app passwords")
}

func TestDatabaseFromTheFuture(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	c, err := sql.Open("sqlite3", filepath.Join(data, "bastide.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	before := state(t, data)
	for _, args := range [][]string{
		{"user", "list"},
		{"association", "add", "x", "--name", "X"},
		{"backup", filepath.Join(t.TempDir(), "copy.db")},
		{"serve", "--addr", "127.0.0.1:0"},
	} {
		cli(t, data, "", args...).must(t, 1, "newer version of Bastide", "upgrade Bastide")
	}
	if after := state(t, data); after != before {
		t.Fatalf("a refused database was changed:\nbefore %s\nafter %s", before, after)
	}
	c, _ = sql.Open("sqlite3", filepath.Join(data, "bastide.db"))
	defer c.Close()
	var v int
	c.QueryRow("PRAGMA user_version").Scan(&v)
	if v != 999 {
		t.Fatalf("user_version became %d", v)
	}
}
