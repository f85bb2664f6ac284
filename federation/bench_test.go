package federation

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// postAll sends the requests with n concurrent clients and returns how long
// it took; every answer must be want.
func postAll(b *testing.B, reqs []*http.Request, bodies [][]byte, n int, want int) time.Duration {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	var next atomic.Int64
	var bad atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				r := reqs[i]
				r.Body = io.NopCloser(bytes.NewReader(bodies[i]))
				resp, err := client.Do(r)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	if bad.Load() > 0 {
		b.Fatalf("%d of %d requests failed", bad.Load(), len(reqs))
	}
	return d
}

// BenchmarkInbox measures signed Create{Event} POSTs accepted per second by
// the shared inbox, each fully checked (size, depth, Digest, Date window,
// signed header list, RSA signature, signer = actor, replay), with the
// worker ingesting them meanwhile. The baseline is an unsigned POST of the
// same body to a handler that only reads it, on the same machine.
func BenchmarkInbox(b *testing.B) {
	ctx := context.Background()
	in := newInstance(b, nil)
	st := newStub(b)
	actor := st.actor("/@grp", "Group")
	if _, _, err := in.fed.Follow(ctx, actor, true); err != nil {
		b.Fatal(err)
	}
	n := b.N
	reqs := make([]*http.Request, n)
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				body := mustJSON(b, createEvent(actor, fmt.Sprintf("%s/events/%d", st.URL(), i), fmt.Sprintf("Concert %d", i),
					time.Now().Add(time.Duration(i%500+1)*time.Hour), map[string]any{"type": "Place", "name": "Salle des fêtes",
						"address": map[string]any{"type": "PostalAddress", "addressLocality": "Nérac", "postalCode": "47600"}}))
				req, _ := http.NewRequest(http.MethodPost, in.fed.URIs().SharedInbox(), nil)
				req.Header.Set("Content-Type", "application/activity+json")
				if err := signRequest(req, st.key, actor+"#main-key", body, time.Now()); err != nil {
					panic(err)
				}
				reqs[i], bodies[i] = req, body
			}
		}(w)
	}
	wg.Wait()
	// Warm the key cache with one request outside the measure.
	if resp := signedPost(b, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key,
		mustJSON(b, map[string]any{"type": "Like", "id": st.URL() + "/like/0", "actor": actor, "object": "x"})); resp.StatusCode != 202 {
		b.Fatalf("warm-up: %d", resp.StatusCode)
	}

	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer base.Close()
	baseReqs := make([]*http.Request, n)
	for i := range baseReqs {
		baseReqs[i], _ = http.NewRequest(http.MethodPost, base.URL, nil)
	}

	b.ResetTimer()
	d := postAll(b, reqs, bodies, 16, http.StatusAccepted)
	b.StopTimer()
	bd := postAll(b, baseReqs, bodies, 16, http.StatusAccepted)
	// Second baseline: the bare signature check (parse the Signature
	// header, build the signing string, RSA-SHA256 verify) of the same
	// requests, on every core, with no HTTP, JSON, Digest or database.
	var vnext atomic.Int64
	var vbad atomic.Int64
	v0 := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(vnext.Add(1) - 1)
				if i >= n {
					return
				}
				p, err := parseSignature(reqs[i].Header.Get("Signature"))
				if err == nil {
					err = in.fed.verify.check(reqs[i], p, &st.key.PublicKey)
				}
				if err != nil {
					vbad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	vd := time.Since(v0)
	if vbad.Load() > 0 {
		b.Fatalf("%d signatures did not verify in the baseline loop", vbad.Load())
	}
	rate := float64(n) / d.Seconds()
	httpRate, verifyRate := float64(n)/bd.Seconds(), float64(n)/vd.Seconds()
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(verifyRate, "verify_only/s")
	b.ReportMetric(rate/verifyRate, "ratio_to_verify_only")
	b.ReportMetric(httpRate, "unsigned_http_req/s")
	b.ReportMetric(rate/httpRate, "ratio_to_unsigned_http")
	if n >= 1000 && rate < 500 {
		b.Errorf("inbox: %.0f signed Create/s, the target is at least 500", rate)
	}
}

// BenchmarkFanout measures the delivery of one event to 1 000 followers
// spread over 50 hosts (test servers on 127.0.0.1), each follower with its
// own inbox: 1 000 requests, each signed on its own. The target is under
// 10 s per event. Two baselines measured in the same run: an unsigned
// fan-out of the same body to the same 1 000 inboxes with as many
// concurrent requests as the delivery workers (the network and HTTP part
// alone), and the time to sign the 1 000 requests alone, on one core.
func BenchmarkFanout(b *testing.B) {
	ctx := context.Background()
	in := newInstance(b, nil)
	assoc, cal := dbtest.Association(b, in.store, "club")
	var got atomic.Int64
	const hosts, perHost = 50, 20
	var inboxes []string
	for h := 0; h < hosts; h++ {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("X-Baseline") != "" {
				w.WriteHeader(http.StatusAccepted)
				return
			}
			if r.Header.Get("Signature") == "" || r.Header.Get("Digest") != digestOf(body) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			got.Add(1)
			w.WriteHeader(http.StatusAccepted)
		}))
		b.Cleanup(srv.Close)
		for i := 0; i < perHost; i++ {
			id := fmt.Sprintf("%s/users/u%d", srv.URL, i)
			inboxes = append(inboxes, id+"/inbox")
			if err := in.store.PutRemoteActor(ctx, &db.RemoteActor{APID: id, Type: "Person", Inbox: id + "/inbox"}); err != nil {
				b.Fatal(err)
			}
			if err := in.store.PutFollower(ctx, &db.Follower{AssociationID: assoc.ID, ActorID: id, FollowID: id + "/follow",
				FollowJSON: "{}", State: db.FollowAccepted}); err != nil {
				b.Fatal(err)
			}
		}
	}
	// Baseline: signing 1 000 requests.
	key := rsaKey(b)
	t0 := time.Now()
	for i := 0; i < hosts*perHost; i++ {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/inbox", nil)
		signRequest(req, key, "k", []byte("{}"), time.Now())
	}
	signing := time.Since(t0)
	// Baseline: the same fan-out, unsigned, DeliveryWorkers at a time,
	// hosts interleaved (at most a request or two per host at once).
	body := []byte(`{"type":"Create"}`)
	order := make([]string, 0, len(inboxes))
	for i := 0; i < perHost; i++ {
		for h := 0; h < hosts; h++ {
			order = append(order, inboxes[h*perHost+i])
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	t1 := time.Now()
	for w := 0; w < in.fed.cfg.DeliveryWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(order) {
					return
				}
				status, err := in.fed.client.Post(ctx, order[i], body, func(r *http.Request) error {
					r.Header.Set("X-Baseline", "1")
					return nil
				})
				if err != nil || status != http.StatusAccepted {
					b.Errorf("unsigned baseline to %s: %d %v", order[i], status, err)
				}
			}
		}()
	}
	wg.Wait()
	unsigned := time.Since(t1)

	b.ResetTimer()
	var worst time.Duration
	for i := 0; i < b.N; i++ {
		want := got.Load() + hosts*perHost
		ev := dbtest.Event(cal.ID, fmt.Sprintf("fanout-%d", i), time.Now().Add(24*time.Hour), fmt.Sprintf("Fête %d", i))
		start := time.Now()
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			b.Fatal(err)
		}
		for got.Load() < want {
			if time.Since(start) > 30*time.Second {
				b.Fatalf("only %d of %d deliveries after 30 s", got.Load()-(want-hosts*perHost), hosts*perHost)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if d := time.Since(start); d > worst {
			worst = d
		}
	}
	b.StopTimer()
	b.ReportMetric(worst.Seconds(), "s/fanout_worst")
	b.ReportMetric(float64(hosts*perHost)/worst.Seconds(), "deliveries/s")
	b.ReportMetric(unsigned.Seconds(), "s/unsigned_fanout")
	b.ReportMetric(worst.Seconds()/unsigned.Seconds(), "ratio_to_unsigned_fanout")
	b.ReportMetric(worst.Seconds()/signing.Seconds(), "ratio_to_signing_only")
	if worst > 10*time.Second {
		b.Errorf("fan-out to 1 000 followers took %s, the target is under 10 s", worst)
	}
}
