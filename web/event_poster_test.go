package web

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

// fields flattens a form for doMultipart (one value per field).
func fields(v url.Values) map[string]string {
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

// editValues are the values of an event's edit form, as a browser sends
// them.
func (env *adminEnv) editValues(t *testing.T, token string, e *model.Event) url.Values {
	t.Helper()
	page := env.do(http.MethodGet, "/admin/associations/amis/events/"+e.UUID+"/edit", token, nil).must(t, http.StatusOK)
	return formOf(t, page.Body.String())
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unfold undoes iCalendar line folding.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

// go-ical writes parameters in name order.
var posterLineRe = regexp.MustCompile(`IMAGE;DISPLAY=FULLSIZE;FMTTYPE=image/(?:jpeg|png);VALUE=URI:(https://agenda\.test/images/([0-9a-f]{64}))\r\n`)

// A poster sent with the event form is taken through web/picture, stored,
// and written as the event's IMAGE through the same road as the other
// fields: its page shows it, its JSON-LD names it; an edit without a file
// keeps it byte for byte, a new file replaces it, "remove" removes it.
func TestEventFormPoster(t *testing.T) {
	env := newAdminEnv(t)
	eddy := env.session("eddy")
	f := newEventForm()
	loc := env.doMultipart("/admin/associations/amis/events", eddy, fields(f), "image", photo(t, 2400, 1200)).Header().Get("Location")
	saved, err := url.Parse(loc)
	if err != nil || saved.Query().Get("saved") == "" {
		t.Fatalf("no redirect to the saved event: %q", loc)
	}
	e := env.stored(saved.Query().Get("saved"))
	m := posterLineRe.FindStringSubmatch(unfold(e.Data))
	if m == nil {
		t.Fatalf("no IMAGE line in the stored event:\n%s", e.Data)
	}
	poster := m[1]
	img := env.do(http.MethodGet, "/images/"+m[2], "", nil).must(t, http.StatusOK)
	if ct := img.Header().Get("Content-Type"); ct != "image/jpeg" && ct != "image/png" {
		t.Errorf("poster served as %q", ct)
	}
	if strings.Contains(img.Body.String(), "GPS") {
		t.Error("the poster kept its metadata")
	}
	page := env.do(http.MethodGet, "/events/"+e.UUID, "", nil).
		must(t, http.StatusOK, `<img src="`+poster+`" alt="Affiche`+"\u00a0"+`: Bal du 14 juillet"`, `"image":"`+poster+`"`)
	_ = page

	// The form shows it, and an edit without a file keeps the IMAGE as
	// it was, byte for byte.
	env.do(http.MethodGet, "/admin/associations/amis/events/"+e.UUID+"/edit", eddy, nil).
		must(t, http.StatusOK, `enctype="multipart/form-data"`, `class="poster-preview" src="`+poster+`"`, `name="remove_image"`)
	edit := env.editValues(t, eddy, e)
	edit.Set("title", "Bal du 14 juillet (place)")
	env.doMultipart("/admin/associations/amis/events/"+e.UUID, eddy, fields(edit), "", nil).must(t, http.StatusSeeOther)
	e2 := env.stored(e.UUID)
	if got := posterLineRe.FindString(unfold(e2.Data)); got != m[0] || !strings.Contains(e2.Data, "SUMMARY:Bal du 14 juillet (place)") {
		t.Fatalf("an edit without a file changed the poster:\n%s", e2.Data)
	}

	// A new file replaces it; "remove" removes it.
	edit = env.editValues(t, eddy, e2)
	env.doMultipart("/admin/associations/amis/events/"+e.UUID, eddy, fields(edit), "image", photo(t, 300, 500)).must(t, http.StatusSeeOther)
	e3 := env.stored(e.UUID)
	if n := strings.Count(unfold(e3.Data), "IMAGE;"); n != 1 || posterLineRe.FindString(unfold(e3.Data)) == m[0] {
		t.Fatalf("the new poster did not replace the old one (%d IMAGE):\n%s", n, e3.Data)
	}
	edit = env.editValues(t, eddy, e3)
	edit.Set("remove_image", "1")
	env.doMultipart("/admin/associations/amis/events/"+e.UUID, eddy, fields(edit), "", nil).must(t, http.StatusSeeOther)
	if e4 := env.stored(e.UUID); strings.Contains(e4.Data, "IMAGE") {
		t.Fatalf("the poster is still there after its removal:\n%s", e4.Data)
	}
}

// A calendar app's IMAGE pointing elsewhere is kept as it is by an edit
// without a file, and replaced by an upload.
func TestEventFormKeepsForeignImage(t *testing.T) {
	env := newAdminEnv(t)
	olga := env.session("olga")
	data := strings.Replace(string(readFile(t, "testdata/thunderbird_edit.ics")), "END:VEVENT",
		"IMAGE;VALUE=URI;FMTTYPE=image/png;X-APP=yes:https://photos.example/affiche.png\r\nEND:VEVENT", 1)
	e := env.putData("amis", "tb.ics", []byte(data))
	line := "IMAGE;VALUE=URI;FMTTYPE=image/png;X-APP=yes:https://photos.example/affiche.png"
	if !strings.Contains(unfold(e.Data), line) {
		t.Fatalf("fixture lacks its IMAGE:\n%s", e.Data)
	}
	env.do(http.MethodGet, "/admin/associations/amis/events/"+e.UUID+"/edit", olga, nil).
		must(t, http.StatusOK, `<a href="https://photos.example/affiche.png" rel="nofollow noopener noreferrer">Affiche actuelle</a>`)
	edit := env.editValues(t, olga, e)
	edit.Set("price", "3 €")
	env.doMultipart("/admin/associations/amis/events/"+e.UUID, olga, fields(edit), "", nil).must(t, http.StatusSeeOther)
	if e2 := env.stored(e.UUID); !strings.Contains(unfold(e2.Data), line) {
		t.Fatalf("an edit without a file changed the app's IMAGE:\n%s", e2.Data)
	}
	edit = env.editValues(t, olga, env.stored(e.UUID))
	env.doMultipart("/admin/associations/amis/events/"+e.UUID, olga, fields(edit), "image", photo(t, 64, 64)).must(t, http.StatusSeeOther)
	if e3 := env.stored(e.UUID); strings.Contains(e3.Data, "photos.example") || posterLineRe.FindString(unfold(e3.Data)) == "" {
		t.Fatalf("the upload did not replace the app's IMAGE:\n%s", e3.Data)
	}
}

// A refused poster: the form again with the error next to the field, the
// other fields as typed, and nothing stored (no event, no image).
func TestEventFormRefusesBadPoster(t *testing.T) {
	env := newAdminEnv(t)
	eddy := env.session("eddy")
	png100MP, polyglot := hostilePictures(t)
	for _, c := range []struct {
		name string
		data []byte
		code int
		want []string
	}{
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 422, []string{"pas une image PNG, JPEG, GIF ou WebP"}},
		{"polyglot", polyglot, 422, []string{"autre chose après l&#39;image"}},
		{"100 megapixels", png100MP, 422, []string{"dépasse 40 mégapixels"}},
		{"over 8 MiB", make([]byte, maxPosterBytes+maxForm+1), 413, []string{"dépasse 8 Mio"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := env.snapshot()
			want := append([]string{`id="image-err"`, `aria-invalid="true"`}, c.want...)
			if c.code == 422 {
				want = append(want, `value="Bal du 14 juillet"`, "Orchestre et lampions.")
			}
			env.doMultipart("/admin/associations/amis/events", eddy, fields(newEventForm()), "image", c.data).must(t, c.code, want...)
			if after := env.snapshot(); after != before {
				t.Fatalf("a refused poster changed the store:\n%s\n%s", before, after)
			}
		})
	}
}

// A new event's form carries the poster it shows: a duplicate keeps the
// original's, and a file sent with "check the day" (which the browser
// will not send again) is kept for the save that follows.
func TestNewEventFormCarriesPoster(t *testing.T) {
	env := newAdminEnv(t)
	eddy := env.session("eddy")
	loc := env.doMultipart("/admin/associations/amis/events", eddy, fields(newEventForm()), "image", photo(t, 800, 600)).Header().Get("Location")
	saved, err := url.Parse(loc)
	if err != nil || saved.Query().Get("saved") == "" {
		t.Fatalf("no redirect to the saved event: %q", loc)
	}
	orig := env.stored(saved.Query().Get("saved"))
	m := posterLineRe.FindStringSubmatch(unfold(orig.Data))
	if m == nil {
		t.Fatalf("no IMAGE line in the stored event:\n%s", orig.Data)
	}

	page := env.do(http.MethodGet, "/admin/associations/amis/events/"+orig.UUID+"/duplicate", eddy, nil).
		must(t, http.StatusOK, `class="poster-preview" src="`+m[1]+`"`)
	dup := formOf(t, page.Body.String())
	if dup.Get("poster") != m[1] {
		t.Fatalf("the duplicate's form carries poster %q, want %q", dup.Get("poster"), m[1])
	}
	dup.Set("title", "Bal du 15 août")
	loc = env.doMultipart("/admin/associations/amis/events", eddy, fields(dup), "", nil).must(t, http.StatusSeeOther).Header().Get("Location")
	saved, _ = url.Parse(loc)
	copyEv := env.stored(saved.Query().Get("saved"))
	if copyEv.UUID == orig.UUID || posterLineRe.FindStringSubmatch(unfold(copyEv.Data)) == nil ||
		posterLineRe.FindStringSubmatch(unfold(copyEv.Data))[1] != m[1] {
		t.Fatalf("the duplicate lost the poster:\n%s", copyEv.Data)
	}

	// "Check the day" with a new file: the form comes back carrying it,
	// the image is served, and the save keeps it.
	f := newEventForm()
	f.Set("title", "Concert du kiosque")
	f.Set("check", "1")
	page = env.doMultipart("/admin/associations/amis/events", eddy, fields(f), "image", photo(t, 640, 480)).must(t, http.StatusOK)
	back := formOf(t, page.Body.String())
	carried := back.Get("poster")
	if !strings.HasPrefix(carried, "https://agenda.test/images/") {
		t.Fatalf("the checked form does not carry the sent poster: %q", carried)
	}
	env.do(http.MethodGet, strings.TrimPrefix(carried, "https://agenda.test"), "", nil).must(t, http.StatusOK)
	back.Del("check")
	loc = env.doMultipart("/admin/associations/amis/events", eddy, fields(back), "", nil).must(t, http.StatusSeeOther).Header().Get("Location")
	saved, _ = url.Parse(loc)
	checked := env.stored(saved.Query().Get("saved"))
	if got := posterLineRe.FindStringSubmatch(unfold(checked.Data)); got == nil || got[1] != carried {
		t.Fatalf("the poster sent before checking the day was lost:\n%s", checked.Data)
	}
}
