package federation

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
)

// TestSignatureParseDifferential: the header list the policy checks and
// the header list the signature is verified over come from one parse.
// Each case signs a signing string over the headers in `covers` and
// spells the Signature header in a way two parsers could read apart
// (spaces after commas, duplicated or upper-case parameters, commas inside
// quotes); the inbox must accept exactly the spellings whose signature
// really covers (request-target) host date digest.
func TestSignatureParseDifferential(t *testing.T) {
	in := newInstance(t, nil)
	st := newStub(t)
	dbtest.Association(t, in.store, "club")
	actor := st.actor("/@grp", "Group")
	keyID := actor + "#main-key"
	inbox := in.fed.URIs().SharedInbox()
	full := "(request-target) host date digest"

	cases := []struct {
		name   string
		covers string
		// header builds the Signature header from the base64 signature.
		header func(sig string) string
		want   int
	}{
		{"spaces after commas, covers all", full, func(sig string) string {
			return `keyId="` + keyID + `", algorithm="rsa-sha256", headers="` + full + `", signature="` + sig + `"`
		}, http.StatusAccepted},
		{"spaces after commas, claims all, covers date only", "date", func(sig string) string {
			return `keyId="` + keyID + `", algorithm="rsa-sha256", headers="` + full + `", signature="` + sig + `"`
		}, http.StatusUnauthorized},
		{"one space before headers, covers date only", "date", func(sig string) string {
			return `keyId="` + keyID + `",signature="` + sig + `", headers="` + full + `"`
		}, http.StatusUnauthorized},
		{"one space before headers, covers all", full, func(sig string) string {
			return `keyId="` + keyID + `",signature="` + sig + `", headers="` + full + `"`
		}, http.StatusAccepted},
		{"headers twice, covers date only", "date", func(sig string) string {
			return `keyId="` + keyID + `",headers="date",headers="` + full + `",signature="` + sig + `"`
		}, http.StatusUnauthorized},
		{"headers twice, covers all", full, func(sig string) string {
			return `keyId="` + keyID + `",headers="date",headers="` + full + `",signature="` + sig + `"`
		}, http.StatusUnauthorized},
		{"comma inside a quoted value, covers all", full, func(sig string) string {
			return `keyId="` + keyID + `",note="a,headers=date",headers="` + full + `",signature="` + sig + `"`
		}, http.StatusAccepted},
		{"comma inside a quoted value, covers date only", "date", func(sig string) string {
			return `keyId="` + keyID + `",note="a,headers=date",headers="` + full + `",signature="` + sig + `"`
		}, http.StatusUnauthorized},
		{"upper-case parameter names, covers date only", "date", func(sig string) string {
			return `KeyId="` + keyID + `",Headers="` + full + `",Signature="` + sig + `"`
		}, http.StatusUnauthorized},
		{"upper-case parameter and header names, covers all", full, func(sig string) string {
			return `KeyId="` + keyID + `",Headers="(Request-Target) Host Date Digest",Signature="` + sig + `"`
		}, http.StatusAccepted},
		{"header list repeated past the bound", strings.Repeat(full+" ", 20), func(sig string) string {
			return `keyId="` + keyID + `",headers="` + strings.Repeat(full+" ", 20) + `",signature="` + sig + `"`
		}, http.StatusUnauthorized},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := mustJSON(t, map[string]any{"type": "Like", "id": actor + "/likes/" + string(rune('a'+i)), "actor": actor, "object": in.fed.URIs().ActorID("club")})
			req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/activity+json")
			req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			req.Header.Set("Digest", digestOf(body))
			var lines []string
			for _, h := range strings.Fields(c.covers) {
				switch h {
				case "(request-target)":
					lines = append(lines, h+": post "+req.URL.Path)
				case "host":
					lines = append(lines, h+": "+req.URL.Host)
				default:
					lines = append(lines, h+": "+req.Header.Get(h))
				}
			}
			sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
			sig, err := rsa.SignPKCS1v15(rand.Reader, st.key, crypto.SHA256, sum[:])
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Signature", c.header(base64.StdEncoding.EncodeToString(sig)))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("status %d, want %d", resp.StatusCode, c.want)
			}
		})
	}
}
