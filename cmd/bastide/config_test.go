package main

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/web"
)

func TestParseServeConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr string // substring; empty means success
	}{
		{
			name: "defaults",
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32},
		},
		{
			name: "flags",
			args: []string{"--addr", "127.0.0.1:9999", "--data", "/srv/bastide", "--base-url", "https://agenda.example.org/", "--demo", "--log-format=json", "--log-level", "debug", "--shutdown-timeout", "3s"},
			want: Config{DataDir: "/srv/bastide", LogFormat: "json", LogLevel: "debug", Addr: "127.0.0.1:9999", BaseURL: "https://agenda.example.org", Demo: true, ShutdownTimeout: 3 * time.Second, MemoryLimitMiB: 32},
		},
		{
			name: "environment only",
			env: map[string]string{"BASTIDE_ADDR": "0.0.0.0:80", "BASTIDE_DATA": "/var/lib/bastide", "BASTIDE_BASE_URL": "https://agenda47.example.org",
				"BASTIDE_DEMO": "true", "BASTIDE_LOG_FORMAT": "text", "BASTIDE_LOG_LEVEL": "warn", "BASTIDE_SHUTDOWN_TIMEOUT": "1m", "BASTIDE_MEMORY_LIMIT": "64"},
			want: Config{DataDir: "/var/lib/bastide", LogFormat: "text", LogLevel: "warn", Addr: "0.0.0.0:80", BaseURL: "https://agenda47.example.org", Demo: true, ShutdownTimeout: time.Minute, MemoryLimitMiB: 64},
		},
		{
			name: "flags win over environment",
			args: []string{"--addr=127.0.0.1:7000", "--demo=false"},
			env:  map[string]string{"BASTIDE_ADDR": "127.0.0.1:6000", "BASTIDE_DEMO": "1", "BASTIDE_DATA": "/env/data"},
			want: Config{DataDir: "/env/data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:7000", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32},
		},
		{
			name: "private addresses allowed on a loopback base URL",
			args: []string{"--allow-private-addresses", "--base-url", "http://127.0.0.1:8080"},
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, AllowPrivateAddresses: true, MemoryLimitMiB: 32},
		},
		{
			name: "trusted proxies",
			env:  map[string]string{"BASTIDE_TRUSTED_PROXIES": "127.0.0.1/32, ::1"},
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32, TrustedProxies: "127.0.0.1/32, ::1"},
		},
		{
			name: "CPU profile",
			env:  map[string]string{"BASTIDE_CPUPROFILE": "serve.pprof"},
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32, CPUProfile: "serve.pprof"},
		},
		{name: "bad trusted proxy", args: []string{"--trusted-proxies", "10.0.0.0/8,proxy.lan"}, wantErr: `--trusted-proxies (BASTIDE_TRUSTED_PROXIES): "proxy.lan" is neither an address nor a CIDR range`},
		{name: "bad source URL", args: []string{"--source-url", "not a url"}, wantErr: "--source-url (BASTIDE_SOURCE_URL)"},
		{
			name: "sync horizon in days",
			env:  map[string]string{"BASTIDE_SYNC_HORIZON": "30d"},
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32, SyncHorizon: 30 * 24 * time.Hour},
		},
		{
			name: "sync horizon as a duration",
			args: []string{"--sync-horizon", "400h"},
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32, SyncHorizon: 400 * time.Hour},
		},
		{name: "sync horizon too short", args: []string{"--sync-horizon", "2d"}, wantErr: "--sync-horizon (BASTIDE_SYNC_HORIZON) 2d is too short"},
		{name: "sync horizon unreadable", args: []string{"--sync-horizon", "3 months"}, wantErr: `"3 months" is neither days like 90d nor a duration`},
		{name: "public address needs a base URL", args: []string{"--addr", ":8080"}, wantErr: "--base-url (BASTIDE_BASE_URL) is required"},
		{name: "bad addr", args: []string{"--addr", "localhost"}, wantErr: "is not host:port"},
		{name: "bad port", args: []string{"--addr", "127.0.0.1:99999"}, wantErr: "port must be a number"},
		{name: "relative base URL", args: []string{"--base-url", "agenda.example.org"}, wantErr: "not an absolute http(s) URL"},
		{name: "base URL with a path", args: []string{"--base-url", "https://example.org/agenda"}, wantErr: "has a path"},
		{name: "base URL with a query", args: []string{"--base-url", "https://example.org/?x=1"}, wantErr: "must not hold a user, a query or a fragment"},
		{name: "private addresses with a public base URL", args: []string{"--allow-private-addresses", "--base-url", "https://agenda.example.org"}, wantErr: "--allow-private-addresses"},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: "--log-format"},
		{name: "bad log level from env", env: map[string]string{"BASTIDE_LOG_LEVEL": "loud"}, wantErr: "--log-level (BASTIDE_LOG_LEVEL)"},
		{name: "empty data", args: []string{"--data", ""}, wantErr: "--data (BASTIDE_DATA) is empty"},
		{name: "memory limit too low", args: []string{"--memory-limit", "8"}, wantErr: "--memory-limit (BASTIDE_MEMORY_LIMIT) 8 MiB is too low"},
		{name: "no memory limit", args: []string{"--memory-limit", "0"}, want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second}},
		{name: "zero shutdown timeout", args: []string{"--shutdown-timeout", "0s"}, wantErr: "--shutdown-timeout"},
		{name: "unparsable env bool", env: map[string]string{"BASTIDE_DEMO": "maybe"}, wantErr: "BASTIDE_DEMO"},
		{name: "unparsable env duration", env: map[string]string{"BASTIDE_SHUTDOWN_TIMEOUT": "soon"}, wantErr: "BASTIDE_SHUTDOWN_TIMEOUT"},
		{name: "unknown flag", args: []string{"--port", "80"}, wantErr: "flag provided but not defined: -port"},
		{name: "positional argument", args: []string{"now"}, wantErr: "serve takes no arguments"},
		{
			name: "mail settings",
			args: []string{"--smtp-addr", "smtp.example.org:587", "--smtp-from", "agenda@example.org"},
			env:  map[string]string{"BASTIDE_SMTP_USER": "agenda", "BASTIDE_SMTP_PASSWORD": "s3cret"},
			want: Config{DataDir: "./data", LogFormat: "auto", LogLevel: "info", Addr: "127.0.0.1:8080", ShutdownTimeout: 15 * time.Second, MemoryLimitMiB: 32,
				SMTPAddr: "smtp.example.org:587", SMTPFrom: "agenda@example.org", SMTPUser: "agenda", SMTPPassword: "s3cret"},
		},
		{name: "mail sender without server", args: []string{"--smtp-from", "agenda@example.org"}, wantErr: "need --smtp-addr"},
		{name: "mail server without port", args: []string{"--smtp-addr", "smtp.example.org", "--smtp-from", "a@example.org"}, wantErr: "--smtp-addr (BASTIDE_SMTP_ADDR) \"smtp.example.org\" is not host:port"},
		{name: "mail server without sender", args: []string{"--smtp-addr", "smtp.example.org:25"}, wantErr: "--smtp-from (BASTIDE_SMTP_FROM)"},
		{name: "mail user without password", args: []string{"--smtp-addr", "smtp.example.org:25", "--smtp-from", "a@example.org"},
			env: map[string]string{"BASTIDE_SMTP_USER": "agenda"}, wantErr: "go together"},
		{name: "several errors at once", args: []string{"--log-format", "xml", "--addr", "nope"}, wantErr: "--log-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			got, err := parseServeConfig(tt.args, getenv)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("got %+v, want an error containing %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %q does not contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.want.SourceURL == "" {
				tt.want.SourceURL = web.DefaultSourceURL
			}
			if *got != tt.want {
				t.Fatalf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestSeveralConfigErrorsAreAllReported(t *testing.T) {
	_, err := parseServeConfig([]string{"--log-format", "xml", "--addr", "nope"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "--log-format") || !strings.Contains(err.Error(), "--addr") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

func TestEveryFlagHasAnEnvironmentVariable(t *testing.T) {
	// The flag set is the single source: every flag declared is read from
	// BASTIDE_<NAME>. Check it on every registered command.
	for name, c := range commands {
		app := &App{}
		fs := newFlagSet(c, app)
		c.Setup(fs, app)
		fs.VisitAll(func(f *flag.Flag) {
			env := envName(f.Name)
			probe := probeValue(f)
			_, err := parseFlags(fs, nil, func(k string) string {
				if k == env {
					return probe
				}
				return ""
			})
			if err != nil {
				t.Errorf("%s --%s: %s=%q: %v", name, f.Name, env, probe, err)
				return
			}
			if got := f.Value.String(); got != probe && !(probe == "true" && got == "true") {
				t.Errorf("%s --%s: %s=%q gave %q", name, f.Name, env, probe, got)
			}
		})
	}
}

// probeValue is a valid, non-default value for a flag.
func probeValue(f *flag.Flag) string {
	switch f.Value.(flag.Getter).Get().(type) {
	case bool:
		if f.DefValue == "true" {
			return "false"
		}
		return "true"
	case time.Duration:
		return "7s"
	case int, int64, uint, uint64:
		return "7"
	}
	return "probe-value"
}

// Every cache's size comes from the one budget, and together they leave
// the requests 3/8 of it, whatever the budget.
func TestCacheBudget(t *testing.T) {
	for _, mib := range []int{0, minMemoryLimitMiB, defaultMemoryLimitMiB, 64, 1024} {
		c := cacheBudget(mib)
		budget := mib << 20
		if mib == 0 {
			budget = defaultMemoryLimitMiB << 20
		}
		sum := c.davObjects + c.davListings + c.webPages
		if c.davObjects <= 0 || c.davListings <= 0 || c.webPages <= 0 || sum > budget/8*5 {
			t.Errorf("budget %d MiB: caches %+v hold %d bytes, more than 5/8 of it", mib, c, sum)
		}
	}
	if c := cacheBudget(defaultMemoryLimitMiB); c.davListings < 4<<20 {
		t.Errorf("the default budget leaves %d bytes of CalDAV listings: a calendar of 10 000 objects needs about 3 MB", c.davListings)
	}
}
