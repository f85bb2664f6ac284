package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

// Server timeouts: a slow client (slowloris) cannot hold a connection
// forever. Request bodies are bounded by each handler.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 2 * time.Minute
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

func init() {
	register(&Command{
		Name:    "serve",
		Summary: "run Bastide: web agenda, CalDAV, ActivityPub and background workers",
		Help: `Opens (and creates or upgrades) the database in the data directory, then
serves HTTP until SIGINT or SIGTERM: the common agenda at /, CalDAV at /dav/,
ActivityPub and discovery for federation with Mobilizon, /healthz for
monitoring. On shutdown it finishes the requests in flight (up to
--shutdown-timeout), then lets the deliveries in flight finish (up to
--shutdown-timeout again) and stops the background workers; nothing queued
is lost.

With --demo, an empty instance is filled once with sample associations of the
Lot-et-Garonne and about 200 events, and a user "demo" whose password is
printed in the log.`,
		MaxArgs: 0,
		Setup: func(fs *flag.FlagSet, app *App) Runner {
			cfg := &Config{}
			cfg.registerServe(fs)
			return func(ctx context.Context, app *App, _ []string) error {
				cfg.DataDir, cfg.LogFormat, cfg.LogLevel = app.DataDir, app.LogFormat, app.LogLevel
				if err := cfg.Validate(); err != nil {
					return err
				}
				return serve(ctx, app, cfg)
			}
		},
	})
}

func serve(ctx context.Context, app *App, cfg *Config) error {
	log := app.Logger
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if cfg.MemoryLimitMiB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(cfg.MemoryLimitMiB) << 20)
	}
	if cfg.CPUProfile != "" {
		stopProfile, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}

	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	defer lock.release()
	store, err := app.OpenStore(ctx, false)
	if err != nil {
		return err
	}
	defer store.Close()
	log.Info("database open", "path", store.Path())

	if cfg.Demo {
		if err := seedDemo(ctx, store, log, time.Now()); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("%w (is another program using this port? choose another with --addr)", err)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = deriveBaseURL(ln.Addr().String())
	}
	if _, err := instanceBaseURL(ctx, store, cfg.BaseURL, true); err != nil {
		ln.Close()
		return err
	}

	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		log.Warn("the base URL uses http://: Mobilizon and most fediverse servers only talk to https:// instances; put Bastide behind a TLS reverse proxy and set --base-url https://...", "base_url", cfg.BaseURL)
	}
	h, err := buildHandler(store, log, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           h.root,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests must not see the shutdown signal: Shutdown lets those in
		// flight finish, and Close (after the timeout) cancels them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	// Workers get a context of their own, cancelled only once the server
	// has stopped taking requests, so that a request in flight can still
	// count on them.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	// The backfills of events written by an older Bastide run beside the
	// requests, /readyz saying not ready until they are done.
	workers := append([]worker{{name: "backfill", run: backfill(store, log)}}, h.workers...)
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.run(workCtx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("worker stopped", "worker", w.name, "err", err)
			}
		}()
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	wg.Add(1)
	go func() {
		defer wg.Done()
		warm(workCtx, store, h.web, cfg.BaseURL, log)
	}()
	log.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "workers", len(workers))

	var failure error
	select {
	case <-ctx.Done():
		stop() // a second SIGINT now kills the process at once
		log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	case err := <-serveErr:
		failure = fmt.Errorf("http server: %w", err)
		log.Error("http server failed", "err", err)
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("requests still in flight at the end of the shutdown timeout were cut", "err", err)
		srv.Close()
	}
	cancelWork()
	// The federation workers let their deliveries in flight finish within
	// ShutdownTimeout of cancelWork (federation.Config.ShutdownGrace).
	drainCtx, cancelDrain := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout+time.Second)
	defer cancelDrain()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-drainCtx.Done():
		log.Warn("background workers did not stop within the shutdown timeout")
	}
	log.Info("stopped")
	return failure
}

// startCPUProfile profiles the process into path until the returned
// function is called (on a clean exit of serve).
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
