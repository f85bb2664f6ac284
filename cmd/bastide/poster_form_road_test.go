package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPosterFormRoad runs `bastide serve`, signs an editor in over HTTP
// and makes an event with a poster sent in the back office's form: the
// event page shows the poster, its JSON-LD names it, the Event delivered
// to a follower carries it as Mobilizon's "Banner", and a CalDAV GET of
// the event shows its IMAGE line.
func TestPosterFormRoad(t *testing.T) {
	data := t.TempDir()
	password := memberWithAppPassword(t, data, "amis-marche", "Les Amis du marché", "editor")
	store := openStore(t, data)
	_, inbox := followedBy(t, store, "amis-marche", "mz")
	srv := startServe(t, data, "--allow-private-addresses")
	defer srv.stop(t)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(path, cookie, ctype string, body io.Reader) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.url+path, body)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Origin", srv.url)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	login := send("/admin/login", "", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"username": {"alice"}, "password": {"password-of-alice"}}.Encode()))
	var cookie string
	for _, c := range login.Cookies() {
		if c.Value != "" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if login.StatusCode != http.StatusSeeOther || cookie == "" {
		t.Fatalf("sign-in: %s", login.Status)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"title": "Marché aux affiches", "start_date": time.Now().AddDate(0, 0, 4).Format(time.DateOnly),
		"start_time": "18:00", "end_time": "22:00", "location": "Place du marché", "commune": "Nérac"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("image", "affiche.jpg")
	fw.Write(posterJPEG(t))
	mw.Close()
	resp := send("/admin/associations/amis-marche/events", cookie, mw.FormDataContentType(), &body)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Query().Get("saved") == "" {
		t.Fatalf("saving the form: %s %s", resp.Status, resp.Header.Get("Location"))
	}
	uuid := loc.Query().Get("saved")

	page := get(t, srv.url+"/events/"+uuid)
	m := regexp.MustCompile(`<figure class="poster"><img src="(http://localhost:\d+/images/([0-9a-f]{64}))"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the event page does not show the poster:\n%s", page)
	}
	poster := m[1]
	if got := get(t, srv.url+"/images/"+m[2]); !strings.HasPrefix(got, "\xff\xd8") && !strings.HasPrefix(got, "\x89PNG") {
		t.Error("the poster is not served as an image")
	}
	ld := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	var jl map[string]any
	if ld == nil || json.Unmarshal([]byte(ld[1]), &jl) != nil || jl["image"] != poster {
		t.Errorf("JSON-LD image %v, want %s", jl["image"], poster)
	}

	banner := func() bool {
		for _, act := range inbox.delivered() {
			obj, _ := act["object"].(map[string]any)
			atts, _ := obj["attachment"].([]any)
			for _, a := range atts {
				if m, _ := a.(map[string]any); m["name"] == "Banner" && m["url"] == poster && strings.HasPrefix(m["mediaType"].(string), "image/") {
					return true
				}
			}
		}
		return false
	}
	eventually(t, 20*time.Second, banner)

	req, _ := http.NewRequest("GET", srv.url+"/dav/calendars/alice/amis-marche.agenda/"+uuid+".ics", nil)
	req.SetBasicAuth("alice", password)
	dav, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ics, _ := io.ReadAll(dav.Body)
	dav.Body.Close()
	unfolded := strings.ReplaceAll(string(ics), "\r\n ", "")
	if dav.StatusCode != http.StatusOK || !regexp.MustCompile(`\r\nIMAGE;DISPLAY=FULLSIZE;FMTTYPE=image/(jpeg|png);VALUE=URI:`+regexp.QuoteMeta(poster)+`\r\n`).MatchString(unfolded) {
		t.Fatalf("CalDAV GET %s lacks the IMAGE line:\n%s", dav.Status, ics)
	}
}

// posterJPEG is a small photo.
func posterJPEG(t *testing.T) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 120, 170))
	for y := 0; y < 170; y++ {
		for x := 0; x < 120; x++ {
			m.Set(x, y, color.RGBA{uint8(2 * x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
