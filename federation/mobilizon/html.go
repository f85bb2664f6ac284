package mobilizon

import (
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/bastide47/bastide/ical/markup"
	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// MaxContentBytes bounds the HTML read from a remote event before cleaning.
const MaxContentBytes = 256 << 10

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

// sanitizer is the allow-list for remote (and our own) event HTML. It is
// close to Mobilizon's own scrubber so that what Bastide keeps is what
// Mobilizon would keep: text formatting, lists, quotes, headings, code and
// links to http, https and mailto only, every link marked
// rel="nofollow noopener" and opened in a new tab. No images (remote
// trackers), no style, no classes, no scripts, no event handlers.
func sanitizer() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "strong", "em", "b", "i", "u", "s", "del",
			"ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
			"pre", "code", "hr")
		p.AllowAttrs("href").OnElements("a")
		p.AllowAttrs("title").OnElements("a", "abbr")
		p.AllowElements("abbr")
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireParseableURLs(true)
		p.AllowRelativeURLs(false)
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		policy = p
	})
	return policy
}

// SanitizeHTML cleans untrusted HTML with the allow-list above. The result
// is inert in a page and SanitizeHTML(SanitizeHTML(s)) == SanitizeHTML(s).
// Invalid UTF-8 is replaced first.
func SanitizeHTML(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	out := strings.TrimSpace(sanitizer().Sanitize(s))
	// A second pass makes the function idempotent: bluemonday normalises
	// entities and attribute order on the first pass only.
	return strings.TrimSpace(sanitizer().Sanitize(out))
}

var (
	urlRe   = regexp.MustCompile(`https?://[^\s<>"'\x60]+`)
	paraRe  = regexp.MustCompile(`\n[ \t]*\n+`)
	spaceRe = regexp.MustCompile(`\s+`)
)

// TextToHTML turns plain text (an iCalendar DESCRIPTION) into the HTML
// Mobilizon shows: escaped, one <p> per paragraph (blank-line separated),
// <br> for single line breaks, and bare http(s) URLs as links. Trailing
// punctuation is kept out of links.
func TextToHTML(text string) string { return textToHTML(text, false) }

// ContentHTML is TextToHTML for what Bastide publishes: a "#word" or an
// "@user@host" of the text is shown as written but not turned by the
// receiver into a tag of the event or a WebFinger lookup and mention.
// Mobilizon runs Linkify over the HTML it receives; Linkify splits the
// text outside links on spaces and line breaks, and takes a piece that
// starts with "#" (or "@"), after an opening parenthesis, as a hashtag (or
// mention). An entity (&#35;) does not help: Mobilizon's scrubber decodes
// it first. An invisible WORD JOINER before the sign makes the piece start
// with something else. Tags come from CATEGORIES only (see hashtags).
//
// The text is rendered by markup, the one renderer of descriptions (a
// small Markdown; plain text with bare links as before), the same HTML
// the event's page shows, then given the links' attributes of this
// package's allow-list.
func ContentHTML(text string) string { return SanitizeHTML(markup.HTMLText(text, inert)) }

// wordJoiner is U+2060, invisible and without a line-break opportunity.
const wordJoiner = "\u2060"

// inert puts a word joiner before every "#" and "@" that does not follow
// a letter or a digit: the signs that start a hashtag or a mention.
func inert(s string) string {
	if !strings.ContainsAny(s, "#@") {
		return s
	}
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		if (r == '#' || r == '@') && !unicode.IsLetter(prev) && !unicode.IsDigit(prev) {
			b.WriteString(wordJoiner)
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func textToHTML(text string, inertSigns bool) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for _, para := range paraRe.Split(strings.TrimSpace(text), -1) {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			b.WriteString(linkify(strings.TrimSpace(line), inertSigns))
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func linkify(line string, inertSigns bool) string {
	var b strings.Builder
	last := 0
	text := func(s string) string {
		if inertSigns {
			s = inert(s)
		}
		return html.EscapeString(s)
	}
	for _, m := range urlRe.FindAllStringIndex(line, -1) {
		start, end := m[0], m[1]
		for end > start && strings.ContainsRune(".,;:!?)]}»", rune(line[end-1])) {
			end--
		}
		b.WriteString(text(line[last:start]))
		u := line[start:end]
		b.WriteString(`<a href="` + html.EscapeString(u) + `" rel="nofollow noopener" target="_blank">` + html.EscapeString(u) + `</a>`)
		last = end
	}
	b.WriteString(text(line[last:]))
	return b.String()
}

// HTMLToText renders HTML as plain text for an iCalendar DESCRIPTION:
// paragraphs, headings, list items and <br> become line breaks, links keep
// their target when it differs from the text, entities are decoded, and
// runs of blank lines collapse. Scripts and styles are dropped.
func HTMLToText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	var href string
	var linkText strings.Builder
	inLink := false
	nl := func(n int) {
		cur := b.String()
		have := len(cur) - len(strings.TrimRight(cur, "\n"))
		if len(strings.TrimSpace(cur)) == 0 {
			return
		}
		for ; have < n; have++ {
			b.WriteByte('\n')
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return tidyText(b.String())
		case xhtml.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			t = spaceRe.ReplaceAllString(t, " ")
			if inLink {
				linkText.WriteString(t)
			}
			b.WriteString(t)
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			end := tt == xhtml.EndTagToken
			switch tag {
			case "script", "style", "template", "noscript", "iframe", "object":
				if tt == xhtml.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
			case "br":
				b.WriteByte('\n')
			case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table", "hr":
				nl(2)
			case "li", "tr":
				nl(1)
				if !end && tag == "li" {
					b.WriteString("- ")
				}
			case "a":
				if !end {
					href, inLink = "", true
					linkText.Reset()
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						if string(k) == "href" {
							href = string(v)
						}
					}
				} else if inLink {
					inLink = false
					txt := strings.TrimSpace(linkText.String())
					if (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) && txt != href && !strings.Contains(txt, strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://")) {
						b.WriteString(" (" + href + ")")
					}
				}
			}
		}
	}
}

func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	// Word joiners are ContentHTML's, not the author's.
	return strings.ReplaceAll(strings.TrimSpace(strings.Join(out, "\n")), wordJoiner, "")
}

// truncate cuts s to at most max bytes on a rune boundary.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// truncateRunes cuts s to at most n runes, ending with "…" when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
