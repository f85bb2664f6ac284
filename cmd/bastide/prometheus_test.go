//go:build integration

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A real Prometheus (Debian's package) scrapes a running serve: the
// target is up and Bastide's own series are stored; promtool accepts the
// exposition as it is.
func TestPrometheusScrapesServe(t *testing.T) {
	for _, tool := range []string{"prometheus", "promtool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (Debian package prometheus; .ci/deps installs it): %v", tool, err)
		}
	}
	data := t.TempDir()
	srv := startServe(t, data, "--demo")
	defer srv.stop(t)

	// promtool's linter on the exposition.
	body := get(t, srv.url+"/metrics")
	lint := exec.Command("promtool", "check", "metrics")
	lint.Stdin = strings.NewReader(body)
	if out, err := lint.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}

	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: bastide
    static_configs:
      - targets: [%q]
`, strings.TrimPrefix(srv.url, "http://"))
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	check := exec.Command("promtool", "check", "config", filepath.Join(dir, "prometheus.yml"))
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("promtool check config: %v\n%s", err, out)
	}
	promAddr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prom := exec.CommandContext(ctx, "prometheus",
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr)
	var logs strings.Builder
	prom.Stdout, prom.Stderr = &logs, &logs
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = prom.Wait() }()

	query := func(q string) []any {
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var r struct {
			Data struct {
				Result []any `json:"result"`
			} `json:"data"`
		}
		if json.Unmarshal(b, &r) != nil {
			return nil
		}
		return r.Data.Result
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		up := query(`up{job="bastide"} == 1`)
		db := query(`bastide_database_bytes{job="bastide"} > 0`)
		reqs := query(`bastide_http_requests_total{job="bastide",route="ops"}`)
		if len(up) == 1 && len(db) == 1 && len(reqs) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus did not store Bastide's series within 60s (up %v, db %v, requests %v)\n%s", up, db, reqs, logs.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
}
