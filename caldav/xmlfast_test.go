package caldav

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sameTree tells where two trees differ ("" when they do not).
func sameTree(a, b *node, path string) string {
	if a.Space != b.Space || a.Local != b.Local {
		return fmt.Sprintf("%s: element %v / %v", path, a.qname, b.qname)
	}
	if a.Text != b.Text {
		return fmt.Sprintf("%s: text %q / %q", path, a.Text, b.Text)
	}
	if len(a.Attr) != len(b.Attr) {
		return fmt.Sprintf("%s: attributes %v / %v", path, a.Attr, b.Attr)
	}
	for i := range a.Attr {
		if a.Attr[i] != b.Attr[i] {
			return fmt.Sprintf("%s: attribute %v / %v", path, a.Attr[i], b.Attr[i])
		}
	}
	if len(a.Children) != len(b.Children) {
		return fmt.Sprintf("%s: %d / %d children", path, len(a.Children), len(b.Children))
	}
	for i := range a.Children {
		if d := sameTree(a.Children[i], b.Children[i], path+"/"+a.Children[i].Local); d != "" {
			return d
		}
	}
	return ""
}

// agree parses s both ways; it fails when the fast reader accepts what
// encoding/xml refuses, refuses what it accepts, or reads another tree.
// It returns whether the fast reader handled s itself.
func agree(t *testing.T, s string) bool {
	t.Helper()
	fast, ferr := fastParse([]byte(s), 8, 1000)
	if ferr == errFallback {
		return false
	}
	std, serr := parseStd(strings.NewReader(s), 8, 1000)
	switch {
	case ferr == nil && serr != nil:
		t.Fatalf("fast reader accepts what encoding/xml refuses (%v): %q", serr, s)
	case ferr != nil && serr == nil:
		t.Fatalf("fast reader refuses (%v) what encoding/xml accepts: %q", ferr, s)
	case ferr == nil:
		if d := sameTree(fast, std, "/"+fast.Local); d != "" {
			t.Fatalf("trees differ at %s for %q", d, s)
		}
	}
	return true
}

var fastSeeds = []string{
	`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`,
	`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>/dav/a%20b.ics</D:href></C:calendar-multiget>`,
	`<?xml version="1.0" standalone="yes"?><propfind xmlns="DAV:"><prop><getetag /></prop></propfind>`,
	`<?xml version='1.0'?><a/>`,
	`<?xml version="1.1"?><a/>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	`<a xmlns="DAV:" xmlns:x="urn:x"><x:b x:c="1" d='2'>t&amp;&lt;&gt;&quot;&apos;</x:b></a>`,
	`<a xmlns:b=""><b:c/></a>`,
	`<a xmlns=""><b/></a>`,
	`<a><b xmlns="urn:1"><c/></b><c/></a>`,
	`<a:b xmlns:a="urn:a"></a:c>`,
	`<a:b xmlns:a="urn:a"></c:b>`,
	`<u:a>text</u:a>`,
	`<a xml:lang="fr"/>`,
	`<a:b:c/>`,
	`<:a/>`,
	`<a: x="1"/>`,
	"<a>line\r\nnext\rlast</a>",
	"<a b=\"x\r\ny\"/>",
	`<a>]]></a>`,
	`<a b="]]>"/>`,
	`<a b="<"/>`,
	`<a b=c/>`,
	`<a b/>`,
	`<a b="1"c="2"/>`,
	`<a>&#13;</a>`,
	`<a>&nbsp;</a>`,
	`<a>&amp</a>`,
	"<a>\x01</a>",
	"<a>\xff</a>",
	"<a>\xef\xbf\xbe</a>",
	"<a>é ü ☃ 𝄞</a>",
	"<é/>",
	"<aé/>",
	`<a><!-- c --></a>`,
	`<a><![CDATA[x<y]]></a>`,
	`<!DOCTYPE a><a/>`,
	`<a/><b/>`,
	`<a/>text`,
	"<a/>\n\t ",
	"\u00a0<a/>",
	"\ufeff<a/>",
	`<a>`,
	`<a`,
	`</a>`,
	`<a></a >`,
	`<a></a x>`,
	`<1a/>`,
	`< a/>`,
	`<a / >`,
	`<xmlns/>`,
	`<a xmlns:xmlns="urn:x"/>`,
	`<b:a xmlns:b="urn:b" b:x="1" xmlns:c="urn:c" c:y="2"/>`,
	`<a><b><c><d><e><f><g><h><i/></h></g></f></e></d></c></b></a>`,
	``,
	`   `,
}

func FuzzFastXMLAgrees(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		agree(t, s)
	})
}

// The bodies the calendar apps send are read by the fast reader itself.
func TestFastXMLReadsClientBodies(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	clientFiles, _ := filepath.Glob(filepath.Join("testdata", "clients", "*", "*.xml"))
	files = append(files, clientFiles...)
	handled := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.NewReplacer("{{HREFS}}", "<D:href>/dav/calendars/alice/amis.main/a.ics</D:href>").Replace(string(b))
		if agree(t, s) {
			handled++
		} else if !bytes.Contains(b, []byte("<!")) {
			t.Errorf("%s: left to encoding/xml", f)
		}
	}
	if handled < 15 {
		t.Fatalf("the fast reader handled only %d request bodies", handled)
	}
	// Every seed agrees too.
	for _, s := range fastSeeds {
		agree(t, s)
	}
}
