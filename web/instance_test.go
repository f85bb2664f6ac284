package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// deadDelivery queues an activity to an inbox of host and lets it die, as
// the delivery worker does after its last attempt.
func (env *adminEnv) deadDelivery(host string) {
	env.t.Helper()
	ctx := context.Background()
	inbox := "https://" + host + "/inbox"
	if err := env.s.QueueActivity(ctx, "https://agenda.test/events/x/activity/create-1", 0, []byte(`{}`), []string{inbox}); err != nil {
		env.t.Fatal(err)
	}
	ds, err := env.s.DueDeliveries(ctx, time.Now().Add(time.Minute), 10, nil, nil)
	if err != nil || len(ds) != 1 {
		env.t.Fatalf("due deliveries: %v %v", ds, err)
	}
	if err := env.s.FinishDelivery(ctx, ds[0].ID, db.DeliveryDead, 16, time.Now(), 503, "HTTP 503"); err != nil {
		env.t.Fatal(err)
	}
}

// The dashboard shows the counts and the federation's health, and "retry
// now" makes a dead host's deliveries due again.
func TestInstanceDashboard(t *testing.T) {
	env := newAdminEnv(t)
	fl := env.source("bal")
	env.pending(fl, "bal-1", "Bal")
	if err := env.s.MarkFollowFailed(context.Background(), fl.ID, testNow, testNow, "HTTP 502 from mobilizon.test"); err != nil {
		t.Fatal(err)
	}
	env.deadDelivery("down.example")
	admin := env.session("admin")

	env.do(http.MethodGet, "/admin/instance", admin, nil).must(t, http.StatusOK,
		"2\u00a0associations", "5\u00a0comptes", "1\u00a0événement à modérer", "1\u00a0source suivie",
		"down.example", "Réessayer maintenant", "https://mobilizon.test/@bal", "HTTP 502 from mobilizon.test", "jamais",
		"Tableau de bord de l&#39;instance")
	h, err := env.s.Health(context.Background(), time.Now())
	if err != nil || len(h.Deliveries) != 1 || h.Deliveries[0].Dead != 1 {
		t.Fatalf("before retry: %+v %v", h, err)
	}

	env.do(http.MethodPost, "/admin/instance/deliveries/retry", admin, url.Values{"host": {"down.example"}}).
		redirects(t, "/admin/instance")
	h, err = env.s.Health(context.Background(), time.Now())
	if err != nil || len(h.Deliveries) != 1 || h.Deliveries[0].Dead != 0 || h.Deliveries[0].Pending != 1 {
		t.Fatalf("after retry: %+v %v", h.Deliveries, err)
	}

	// A host the dashboard does not list: a clear refusal, nothing moves.
	for _, host := range []string{"", "elsewhere.example", string(make([]byte, 300))} {
		env.do(http.MethodPost, "/admin/instance/deliveries/retry", admin, url.Values{"host": {host}}).
			must(t, http.StatusNotFound, "Rien n&#39;attend pour ce serveur")
	}
}
