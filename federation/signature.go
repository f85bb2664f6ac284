package federation

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-fed/httpsig"
)

// The header sets we sign, and require on what we verify (STYLE.md §9.10).
var (
	postHeaders = []string{httpsig.RequestTarget, "host", "date", "digest"}
	getHeaders  = []string{httpsig.RequestTarget, "host", "date"}
)

// DateWindow is how far a signed request's Date may be from our clock
// (Mastodon and Mobilizon use ±12 h).
const DateWindow = 12 * time.Hour

// digestOf is the Digest header value of a body.
func digestOf(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// signRequest signs r with key as keyID: (request-target) host date, plus
// digest when body is not nil (POST). It sets Date (and Digest) itself.
func signRequest(r *http.Request, key *rsa.PrivateKey, keyID string, body []byte, now time.Time) error {
	headers := getHeaders
	if body != nil {
		headers = postHeaders
	}
	r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	// httpsig reads "host" from the header map; net/http sends r.Host (or
	// the URL's host) and ignores this entry, so both agree.
	r.Header.Set("Host", host)
	if body != nil {
		r.Header.Set("Digest", digestOf(body))
	}
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return fmt.Errorf("federation: signer: %w", err)
	}
	// The Digest is set above; passing nil keeps httpsig from adding a
	// second one.
	if err := s.SignRequest(key, keyID, r, nil); err != nil {
		return fmt.Errorf("federation: sign request: %w", err)
	}
	return nil
}

// sigError is a refused signature. Its msg is safe to send back; cause,
// when set, is the internal reason (a dial error naming an address, say),
// for the log only.
type sigError struct {
	msg   string
	cause error
}

func (e *sigError) Error() string {
	if e.cause != nil {
		return e.msg + ": " + e.cause.Error()
	}
	return e.msg
}

func (e *sigError) Unwrap() error { return e.cause }

func sigErrorf(format string, args ...any) error { return &sigError{msg: fmt.Sprintf(format, args...)} }

// sigParams is a parsed draft-cavage Signature header.
type sigParams struct {
	keyID, algorithm, signature string
	headers                     []string
}

// maxSignedHeaders bounds the signed header list (and so the signing
// string built from it): real senders list four or five.
const maxSignedHeaders = 32

// parseSignature parses `k="v",k="v"` without trusting commas inside quotes.
func parseSignature(h string) (sigParams, error) {
	var p sigParams
	h = strings.TrimSpace(h)
	seen := map[string]bool{}
	for len(h) > 0 {
		eq := strings.IndexByte(h, '=')
		if eq <= 0 {
			return p, errors.New("malformed Signature header")
		}
		k := strings.ToLower(strings.TrimSpace(h[:eq]))
		h = strings.TrimSpace(h[eq+1:])
		var v string
		if strings.HasPrefix(h, `"`) {
			end := strings.IndexByte(h[1:], '"')
			if end < 0 {
				return p, errors.New("malformed Signature header: unterminated quote")
			}
			v, h = h[1:1+end], h[2+end:]
		} else {
			end := strings.IndexByte(h, ',')
			if end < 0 {
				end = len(h)
			}
			v, h = h[:end], h[end:]
		}
		h = strings.TrimSpace(h)
		h = strings.TrimPrefix(h, ",")
		h = strings.TrimSpace(h)
		if seen[k] {
			return p, fmt.Errorf("malformed Signature header: %s twice", k)
		}
		seen[k] = true
		switch k {
		case "keyid":
			p.keyID = v
		case "algorithm":
			p.algorithm = strings.ToLower(v)
		case "signature":
			p.signature = v
		case "headers":
			p.headers = strings.Fields(strings.ToLower(v))
			if len(p.headers) > maxSignedHeaders {
				return p, fmt.Errorf("malformed Signature header: more than %d signed headers", maxSignedHeaders)
			}
		}
	}
	if p.keyID == "" || p.signature == "" {
		return p, errors.New("the Signature header needs keyId and signature")
	}
	return p, nil
}

// keySource finds the public key of a keyId; refresh asks for a fresh copy
// (the key may have rotated). It returns the id of the key's owner.
type keySource func(ctx context.Context, keyID string, refresh bool) (owner string, key *rsa.PublicKey, err error)

// verifier checks inbound HTTP signatures strictly, on one parse of the
// Signature header (parseSignature): the signed header list, the Digest
// against the body, the Date window, the algorithm, the key size, then
// the RSA signature itself with crypto/rsa (check). go-fed/httpsig only
// signs (signRequest).
type verifier struct {
	keys keySource
	now  func() time.Time
	// refetch limits key refetches per owner.
	mu          sync.Mutex
	lastRefetch map[string]time.Time
	refetchGap  time.Duration
}

func newVerifier(keys keySource, now func() time.Time, refetchGap time.Duration) *verifier {
	return &verifier{keys: keys, now: now, lastRefetch: map[string]time.Time{}, refetchGap: refetchGap}
}

// verify checks r (whose body was read into body; nil for GET) and returns
// the owner of the signing key.
func (v *verifier) verify(ctx context.Context, r *http.Request, body []byte) (string, error) {
	raw := r.Header.Get("Signature")
	if raw == "" {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Signature ") {
			raw = strings.TrimPrefix(a, "Signature ")
		}
	}
	if raw == "" {
		return "", sigErrorf("the request is not signed (no Signature header)")
	}
	p, err := parseSignature(raw)
	if err != nil {
		return "", sigErrorf("%v", err)
	}
	switch p.algorithm {
	case "", "rsa-sha256", "hs2019":
	default:
		return "", sigErrorf("signature algorithm %q is not supported (rsa-sha256 or hs2019 with an RSA key)", p.algorithm)
	}
	required := getHeaders
	if r.Method == http.MethodPost {
		required = postHeaders
	}
	for _, h := range required {
		if !contains(p.headers, h) {
			return "", sigErrorf("the signature must cover %s; it covers %q", strings.Join(required, " "), strings.Join(p.headers, " "))
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return "", sigErrorf("the Date header is missing or not an HTTP date")
	}
	if d := v.now().Sub(date); d > DateWindow || d < -DateWindow {
		return "", sigErrorf("the Date header is more than %s away from our clock", DateWindow)
	}
	if body != nil {
		if err := checkDigest(r.Header.Values("Digest"), body); err != nil {
			return "", err
		}
	}
	owner, key, err := v.keys(ctx, p.keyID, false)
	if err != nil {
		var se *sigError
		if errors.As(err, &se) {
			return "", &sigError{msg: "the signing key " + p.keyID + " could not be used: " + se.msg}
		}
		return "", &sigError{msg: "the signing key " + p.keyID + " could not be fetched from its actor", cause: err}
	}
	if err := v.check(r, p, key); err == nil {
		return owner, nil
	}
	// One refetch (the key may have rotated), at most once per gap per owner.
	if !v.mayRefetch(owner) {
		return "", sigErrorf("the signature does not verify")
	}
	owner2, key2, err := v.keys(ctx, p.keyID, true)
	if err != nil || owner2 != owner {
		return "", sigErrorf("the signature does not verify")
	}
	if err := v.check(r, p, key2); err != nil {
		return "", sigErrorf("the signature does not verify")
	}
	return owner, nil
}

func (v *verifier) mayRefetch(owner string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.now()
	if last, ok := v.lastRefetch[owner]; ok && t.Sub(last) < v.refetchGap {
		return false
	}
	if len(v.lastRefetch) > 10000 {
		v.lastRefetch = map[string]time.Time{}
	}
	v.lastRefetch[owner] = t
	return true
}

// check runs the RSA-SHA256 verification over the signing string built
// from p, the one parse of the Signature header whose header list the
// policy in verify has already checked: what is verified is exactly what
// the policy saw (a second parser could read another list).
func (v *verifier) check(r *http.Request, p sigParams, key *rsa.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(p.signature)
	if err != nil {
		return errors.New("the signature is not base64")
	}
	s, err := signingString(r, p.headers)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(s))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

// signingString is the draft-cavage signing string of r over headers:
// "name: value" lines, (request-target) as method and path with query,
// host as the request's Host, other headers' values trimmed and joined
// by ", ". A listed header the request lacks is an error.
func signingString(r *http.Request, headers []string) (string, error) {
	if len(headers) == 0 {
		headers = []string{"date"}
	}
	var b strings.Builder
	for i, h := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(h)
		b.WriteString(": ")
		switch h {
		case httpsig.RequestTarget:
			b.WriteString(strings.ToLower(r.Method))
			b.WriteByte(' ')
			b.WriteString(r.URL.Path)
			if r.URL.RawQuery != "" {
				b.WriteByte('?')
				b.WriteString(r.URL.RawQuery)
			}
		case "host":
			b.WriteString(r.Host)
		default:
			vals := r.Header.Values(h)
			if len(vals) == 0 {
				return "", fmt.Errorf("the signed header %s is missing", h)
			}
			for j, x := range vals {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strings.TrimSpace(x))
			}
		}
	}
	return b.String(), nil
}

// checkDigest requires a SHA-256 Digest equal to the body's.
func checkDigest(values []string, body []byte) error {
	want := sha256.Sum256(body)
	found := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(alg, "SHA-256") {
				continue
			}
			found = true
			got, err := base64.StdEncoding.DecodeString(val)
			if err != nil || subtle.ConstantTimeCompare(got, want[:]) != 1 {
				return sigErrorf("the Digest header does not match the body")
			}
		}
	}
	if !found {
		return sigErrorf("a SHA-256 Digest header is required")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
