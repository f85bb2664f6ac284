// Package markup renders the texts people write on Bastide (an event's
// description, the instance's footer and its own pages) as safe HTML, the
// same way wherever they show: on the public pages, in the RSS and Atom
// feeds, and in the fediverse's Event content.
//
// The text is a small Markdown (goldmark, CommonMark): paragraphs, line
// breaks as typed, emphasis, lists, quotes, headings, code and links.
// Plain text with bare links, as calendar apps write it, reads as it
// always did, its links made clickable. Raw HTML is text ("<bio>" shows
// as typed), and bluemonday keeps only the elements above and links to http, https
// and mailto (images are dropped: the pages' CSP loads no outside
// image). The work is bounded: the text is cut at MaxSource bytes,
// quotes and lists nest at most MaxDepth deep and at most MaxBrackets
// link brackets are read as such, past which they are plain characters.
//
// It lives under ical because web and federation both render an event's
// DESCRIPTION and never import each other, and db/model imports only the
// standard library; it uses nothing else of ical, and the iCalendar text
// itself keeps DESCRIPTION as plain text.
package markup

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"
)

// Bounds of the work of one rendering.
const (
	// MaxSource is how much of a text is rendered.
	MaxSource = 20000
	// MaxDepth is how deep quotes and lists nest.
	MaxDepth = 8
	// MaxBrackets is how many '[' may open a link.
	MaxBrackets = 64
)

var md = goldmark.New(
	goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
	// Line breaks as typed: a description is written line by line.
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// policy is the one sanitiser of rendered text.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "del", "ul", "ol", "li", "blockquote",
		"code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}()

// HTML renders src as safe HTML ("" for a blank text).
func HTML(src string) string {
	return render(src, nil)
}

// HTMLText is HTML with fix applied to the text outside links (the
// fediverse makes '#' and '@' inert, so that Mobilizon finds no hashtag
// or mention in a description).
func HTMLText(src string, fix func(string) string) string {
	return render(src, fix)
}

func render(src string, fix func(string) string) string {
	src = bound(src)
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only on a failing writer; a buffer does not.
		return xhtml.EscapeString(src)
	}
	out := policy.SanitizeBytes(buf.Bytes())
	// One line: the line breaks goldmark puts after tags are not part of
	// the text (raw '>' is only ever in a tag).
	out = bytes.ReplaceAll(out, []byte(">\n"), []byte(">"))
	if fix != nil {
		out = fixText(out, fix)
	}
	return strings.TrimSpace(string(out))
}

// bound cuts src at MaxSource bytes (on a character boundary), flattens
// quotes and list items nested deeper than MaxDepth, and escapes the '['
// past MaxBrackets (what makes a Markdown parser's work grow faster than
// the text) and every '<' (raw HTML is text).
func bound(src string) string {
	if len(src) > MaxSource {
		n := MaxSource
		for n > 0 && !utf8.RuneStart(src[n]) {
			n--
		}
		src = src[:n]
	}
	src = strings.ReplaceAll(src, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(src) + 16)
	brackets := 0
	for i, line := range strings.Split(src, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		line = flatten(line)
		if strings.IndexByte(line, '[') < 0 && strings.IndexByte(line, '<') < 0 {
			b.WriteString(line)
			continue
		}
		for j := 0; j < len(line); j++ {
			c := line[j]
			escaped := j > 0 && line[j-1] == '\\'
			switch {
			case c == '<' && !escaped:
				// Raw HTML is text: "<bio>" reads as typed.
				b.WriteByte('\\')
			case c == '[' && !escaped:
				brackets++
				if brackets > MaxBrackets {
					b.WriteByte('\\')
				}
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// flatten keeps at most MaxDepth quote and list markers at the start of
// a line, and at most 4 columns of indentation per level.
func flatten(line string) string {
	depth, i := 0, 0
	for i < len(line) {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '>' || (c == '-' || c == '*' || c == '+') && i+1 < len(line) && line[i+1] == ' ':
			depth++
			i++
			continue
		case c >= '0' && c <= '9':
			// An ordered list's marker: digits then '.' or ')' and a space.
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && line[j+1] == ' ' {
				depth++
				i = j + 1
				continue
			}
		}
		break
	}
	if depth <= MaxDepth && i <= 4*(MaxDepth+1) {
		return line
	}
	// Keep the first MaxDepth markers and the text; the rest goes.
	var b strings.Builder
	kept := 0
	for j := 0; j < i; j++ {
		c := line[j]
		if c == ' ' || c == '\t' {
			if b.Len() < 4*(MaxDepth+1) {
				b.WriteByte(' ')
			}
			continue
		}
		if kept < MaxDepth {
			b.WriteByte(c)
			if c < '0' || c > '9' {
				kept++
			}
		}
	}
	return b.String() + line[i:]
}

// fixText applies fix to the text of an HTML fragment outside links.
func fixText(in []byte, fix func(string) string) []byte {
	z := xhtml.NewTokenizer(bytes.NewReader(in))
	var out bytes.Buffer
	inLink := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return out.Bytes()
		case xhtml.TextToken:
			if inLink > 0 {
				out.Write(z.Raw())
			} else {
				out.WriteString(xhtml.EscapeString(fix(string(z.Text()))))
			}
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); string(name) == "a" {
				inLink++
			}
			out.Write(z.Raw())
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && inLink > 0 {
				inLink--
			}
			out.Write(z.Raw())
		default:
			out.Write(z.Raw())
		}
	}
}
