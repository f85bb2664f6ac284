//go:build integration

package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The reverse proxy configurations of deploy/ run for real (Debian's caddy
// and nginx) in front of a real `bastide serve` started as the README
// says: on loopback, with --trusted-proxies 127.0.0.1/32 and the proxy's
// https:// address as its base URL. Each test adapts only the host name,
// the ports and the certificates of the file.
func TestBehindCaddy(t *testing.T) {
	caddy := needBin(t, "caddy")
	b := newProxied(t)
	dir := t.TempDir()
	conf := adapt(t, readDeploy(t, "Caddyfile"),
		"agenda.example.org {", "https://"+b.public+" {",
		"reverse_proxy 127.0.0.1:8080", "reverse_proxy "+b.addr)
	// For the test only: certificates of Caddy's own local authority, not
	// trusted system-wide, no admin endpoint, test ports, state in dir.
	_, httpsPort, _ := net.SplitHostPort(b.public)
	_, httpPort, _ := net.SplitHostPort(freePort(t))
	conf = fmt.Sprintf("{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port %s\n\thttps_port %s\n\tstorage file_system %s\n}\n\n",
		httpPort, httpsPort, filepath.Join(dir, "storage")) + conf
	path := filepath.Join(dir, "Caddyfile")
	writeTestFile(t, path, conf)
	logs := runProxy(t, caddy, []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir},
		"run", "--config", path, "--adapter", "caddyfile")
	caFile := filepath.Join(dir, "storage", "pki", "authorities", "local", "root.crt")
	b.start(t, caFile, logs)
	b.checks(t)
}

func TestBehindNginx(t *testing.T) {
	nginx := needBin(t, "nginx")
	b := newProxied(t)
	dir := t.TempDir()
	caFile, certFile, keyFile := testCertificates(t, dir)
	_, redirectPort, _ := net.SplitHostPort(freePort(t))
	conf := adapt(t, readDeploy(t, "nginx.conf"),
		"listen 443 ssl;", "listen "+b.public+" ssl;",
		"listen [::]:443 ssl;", "",
		"listen 80;", "listen 127.0.0.1:"+redirectPort+";",
		"listen [::]:80;", "",
		"/etc/letsencrypt/live/agenda.example.org/fullchain.pem", certFile,
		"/etc/letsencrypt/live/agenda.example.org/privkey.pem", keyFile,
		"proxy_pass http://127.0.0.1:8080;", "proxy_pass http://"+b.addr+";")
	// The file is a site, included in http{} as Debian's nginx.conf does;
	// the rest keeps nginx's files in dir.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	main := fmt.Sprintf(`%sdaemon off;
master_process on;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	include %[2]s/site.conf;
}
`, user, dir)
	writeTestFile(t, filepath.Join(dir, "site.conf"), conf)
	writeTestFile(t, filepath.Join(dir, "nginx.conf"), main)
	logs := runProxy(t, nginx, nil, "-p", dir, "-e", "stderr", "-c", filepath.Join(dir, "nginx.conf"))
	b.start(t, caFile, logs)
	b.checks(t)
}

// proxied is a Bastide to be reached through a proxy at public.
type proxied struct {
	data   string
	addr   string // where Bastide listens
	public string // host:port of the proxy
	base   string
	caFile string
	srv    *server
}

const (
	alicePassword = "mot-de-passe-d-alice"
	bobPassword   = "mot-de-passe-de-bob"
)

func newProxied(t *testing.T) *proxied {
	t.Helper()
	b := &proxied{data: t.TempDir(), addr: freePort(t), public: freePort(t)}
	b.base = "https://" + b.public
	cli(t, b.data, alicePassword+"\n", "user", "add", "alice").must(t, 0)
	cli(t, b.data, bobPassword+"\n", "user", "add", "bob").must(t, 0)
	cli(t, b.data, "", "association", "add", "comite-nerac", "--name", "Comité des fêtes de Nérac", "--commune", "47195").must(t, 0)
	cli(t, b.data, "", "member", "add", "comite-nerac", "alice", "--role", "owner").must(t, 0)
	cli(t, b.data, "", "member", "add", "comite-nerac", "bob", "--role", "editor").must(t, 0)
	return b
}

// start runs Bastide behind the proxy already started, and waits until
// the proxy answers /healthz with a certificate caFile vouches for.
func (b *proxied) start(t *testing.T, caFile string, proxy *server) {
	t.Helper()
	b.srv = startServeAt(t, b.data, b.addr, "--base-url", b.base, "--trusted-proxies", "127.0.0.1/32", "--allow-private-addresses")
	b.caFile = caFile
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(caFile); err == nil {
			resp, err := b.client(t, "").Get(b.base + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the proxy did not answer /healthz at %s within 30s\nproxy:\n%s", b.base, proxy.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// client trusts the proxy's certificate authority and, when from is set,
// connects from that loopback address: the proxy sees a client of its own.
func (b *proxied) client(t *testing.T, from string) *http.Client {
	t.Helper()
	pemBytes, err := os.ReadFile(b.caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("no certificate in %s", b.caFile)
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext:     d.DialContext,
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}
}

func (b *proxied) checks(t *testing.T) {
	t.Run("agenda", func(t *testing.T) {
		resp, err := b.client(t, "").Get(b.base + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "</html>") {
			t.Fatalf("GET / through the proxy: %s %s\n%.300s", resp.Status, resp.Header.Get("Content-Type"), body)
		}
	})
	t.Run("caldav", func(t *testing.T) {
		needTool(t, python, "python3")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", "proxy-client.py"), b.base+"/", "alice", alicePassword, b.caFile, "bal@proxy")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("python3-caldav through the proxy: %v\n%s\n%s\nbastide:\n%s", err, stdout.String(), stderr.String(), b.srv.log())
		}
		var got struct {
			Principal string   `json:"principal"`
			Calendars []string `json:"calendars"`
			Saved     string   `json:"saved"`
			ReadBack  string   `json:"read_back"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, stdout.String())
		}
		if got.Principal != b.base+"/dav/principals/alice/" {
			t.Errorf("principal %q, want %s/dav/principals/alice/", got.Principal, b.base)
		}
		if len(got.Calendars) != 1 || !strings.Contains(got.Calendars[0], "Nérac") {
			t.Errorf("calendars %q, want the association's", got.Calendars)
		}
		if !strings.HasPrefix(got.Saved, b.base+"/dav/calendars/alice/") || got.ReadBack != "Bal du 14 juillet (par le proxy)" {
			t.Errorf("saved at %q, read back %q", got.Saved, got.ReadBack)
		}
	})
	t.Run("inbox signature covers the public host", func(t *testing.T) {
		remote := newRemoteActor(t)
		c := b.client(t, "")
		if code := remote.post(t, c, b.base+"/inbox", b.public, 1); code != http.StatusAccepted {
			t.Fatalf("signed over the public host %s: %d, want 202\n%s", b.public, code, b.srv.log())
		}
		if code := remote.post(t, c, b.base+"/inbox", "agenda.example.org", 2); code != http.StatusUnauthorized {
			t.Fatalf("signed over another host: %d, want 401", code)
		}
	})
	t.Run("one user's wrong passwords lock out nobody else", func(t *testing.T) {
		x, y := b.client(t, "127.0.0.2"), b.client(t, "127.0.0.3")
		codes := map[int]int{}
		// X also claims to be Y: the proxy must not pass that on as
		// the client's address.
		for range 25 {
			codes[b.propfind(t, x, "alice", "pas-le-bon-mot-de-passe", "X-Forwarded-For", "127.0.0.3")]++
		}
		if codes[http.StatusUnauthorized] == 0 || codes[http.StatusTooManyRequests] == 0 || len(codes) != 2 {
			t.Fatalf("25 wrong passwords from X: %v, want 401s then 429s", codes)
		}
		if code := b.propfind(t, y, "bob", bobPassword); code != http.StatusMultiStatus {
			t.Fatalf("bob from Y after alice's wrong passwords from X: %d, want 207", code)
		}
		if code := b.propfind(t, x, "alice", alicePassword); code != http.StatusTooManyRequests {
			t.Fatalf("alice from X after 25 wrong passwords: %d, want 429", code)
		}
	})
}

func (b *proxied) propfind(t *testing.T, c *http.Client, user, pass string, hdr ...string) int {
	t.Helper()
	req, _ := http.NewRequest("PROPFIND", b.base+"/dav/principals/"+user+"/", strings.NewReader(
		`<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>`))
	req.Header.Set("Depth", "0")
	req.Header.Set("Content-Type", "application/xml")
	req.SetBasicAuth(user, pass)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// remoteActor is a fediverse server of its own, with one actor and its key.
type remoteActor struct {
	srv *httptest.Server
	key *rsa.PrivateKey
	id  string
}

func newRemoteActor(t *testing.T) *remoteActor {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	a := &remoteActor{key: key}
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/users/jeanne" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{
			"@context":          []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
			"id":                a.id,
			"type":              "Person",
			"preferredUsername": "jeanne",
			"inbox":             a.id + "/inbox",
			"publicKey": map[string]any{"id": a.id + "#main-key", "owner": a.id,
				"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))},
		})
	}))
	t.Cleanup(a.srv.Close)
	a.id = a.srv.URL + "/users/jeanne"
	return a
}

// post sends a Like to inbox, signed (draft-cavage, rsa-sha256) over
// (request-target) host date digest with signedHost as the host.
func (a *remoteActor) post(t *testing.T, c *http.Client, inbox, signedHost string, n int) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"type": "Like", "id": fmt.Sprintf("%s/likes/%d", a.id, n), "actor": a.id, "object": a.id})
	req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	sum := sha256.Sum256(body)
	date := time.Now().UTC().Format(http.TimeFormat)
	digest := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
	u, _ := url.Parse(inbox)
	signing := "(request-target): post " + u.Path + "\nhost: " + signedHost + "\ndate: " + date + "\ndigest: " + digest
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Date", date)
	req.Header.Set("Digest", digest)
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="%s"`,
		a.id, base64.StdEncoding.EncodeToString(sig)))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func needBin(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install the Debian package %s (apt-get install %s) or run .ci/deps", name, name, name)
	}
	return p
}

func needTool(t *testing.T, bin, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("%s not found: install the Debian package %s or run .ci/deps", bin, pkg)
	}
}

// python is the Debian interpreter, where python3-caldav is installed.
const python = "/usr/bin/python3"

func readDeploy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// adapt replaces each old string by its new one; an old string the file
// no longer holds fails the test, so that the test keeps testing the file.
func adapt(t *testing.T, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("the deploy file no longer holds %q: update the test with it", pairs[i])
		}
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return s
}

func writeTestFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runProxy starts a proxy in the foreground and stops it at the end of
// the test; its output is returned for failure messages.
func runProxy(t *testing.T, bin string, env []string, args ...string) *server {
	t.Helper()
	s := &server{}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = s, s
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s:\n%s", filepath.Base(bin), s.log())
		}
	})
	return s
}

// testCertificates makes a certificate authority and a certificate for
// 127.0.0.1 it signed, as PEM files in dir.
func testCertificates(t *testing.T, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Bastide test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	caCert, _ := x509.ParseCertificate(caDER)
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	caFile, certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeTestFile(t, caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	writeTestFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})))
	writeTestFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	return caFile, certFile, keyFile
}
