package caldav

import (
	"bufio"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// TestXMLText checks the escaper on both of its paths (buffered writer and
// any other writer) and that an XML parser reads back the exact text,
// CRLF line ends included.
func TestXMLText(t *testing.T) {
	for _, in := range []string{
		"", "plain", "<", "a&b", `"quoted"`, ">x<", "BEGIN:VEVENT\r\nSUMMARY:R&D <réunion> \"A\"\r\nEND:VEVENT\r\n",
		"\r\r\r", "ends with CR\r", strings.Repeat("0123456789", 50) + "&" + strings.Repeat("é", 100),
	} {
		var sb strings.Builder
		xmlText(&sb, in)
		var out strings.Builder
		bw := bufio.NewWriterSize(&out, 16)
		xmlText(bw, in)
		bw.Flush()
		if sb.String() != out.String() {
			t.Errorf("%q: builder %q, bufio %q", in, sb.String(), out.String())
		}
		var got struct {
			V string `xml:",chardata"`
		}
		if err := xml.Unmarshal([]byte("<v>"+sb.String()+"</v>"), &got); err != nil || got.V != in {
			t.Errorf("%q: escaped %q reads back as %q (%v)", in, sb.String(), got.V, err)
		}
		if strings.ContainsAny(sb.String(), "<>\"\r") {
			t.Errorf("%q: %q keeps a character that needs escaping", in, sb.String())
		}
	}
}

func BenchmarkXMLText(b *testing.B) {
	s := benchObject(7) + benchObject(8)
	w := bufio.NewWriterSize(io.Discard, 32<<10)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		xmlText(w, s)
	}
}

// A small answer goes out whole with its length; one past the spool bound
// streams; both read back complete.
func TestMultistatusSpool(t *testing.T) {
	for _, n := range []int{3, spoolLimit / 40} {
		rec := newRecorder()
		ms := newMultistatus(rec, false)
		for i := 0; i < n; i++ {
			ms.status("/dav/calendars/alice/amis.main/"+strings.Repeat("x", 8)+itoa(i)+".ics", 404)
		}
		if err := ms.end(); err != nil {
			t.Fatal(err)
		}
		body := rec.Body.String()
		var doc struct {
			Responses []struct {
				Href string `xml:"href"`
			} `xml:"response"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil || len(doc.Responses) != n {
			t.Fatalf("%d responses: read %d (%v)", n, len(doc.Responses), err)
		}
		cl := rec.Header().Get("Content-Length")
		switch {
		case len(body) <= spoolLimit && cl != itoa(len(body)):
			t.Fatalf("%d bytes sent with Content-Length %q", len(body), cl)
		case len(body) > spoolLimit && cl != "":
			t.Fatalf("%d bytes streamed with Content-Length %q", len(body), cl)
		}
		if rec.Code != 207 {
			t.Fatalf("status %d", rec.Code)
		}
	}
}

// xmlUnescape gives back exactly what xmlText escaped, and refuses what
// xmlText never writes (the GET path then reads the store instead).
func TestXMLUnescape(t *testing.T) {
	for _, s := range []string{"", "plain", "BEGIN:VCALENDAR\r\nSUMMARY:R&D <salle> \"2\"\r\nEND:VCALENDAR\r\n", "&&&;;;", "é\r\r\n<"} {
		got, ok := xmlUnescape(escapeXML(s), len(s))
		if !ok || string(got) != s {
			t.Errorf("round trip of %q gave %q (%v)", s, got, ok)
		}
	}
	for _, c := range []struct {
		esc  string
		size int
	}{
		{"a&apos;b", 3}, {"a&lt", 2}, {"a&#10;", 2}, {"abc", 2}, {"abc", 4},
	} {
		if got, ok := xmlUnescape(c.esc, c.size); ok {
			t.Errorf("xmlUnescape(%q, %d) accepted, gave %q", c.esc, c.size, got)
		}
	}
}
