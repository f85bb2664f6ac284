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
