package caldav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// A fast reader of request bodies. encoding/xml reads about a byte per
// function call and allocates every token: parsing the 100 hrefs of a
// calendar-multiget took longer than answering it from the object cache.
// fastParse reads the documents clients send, in one pass over the bytes,
// into the same tree as parseStd, and gives errFallback for anything it
// does not handle itself (comments, CDATA, DOCTYPE, processing
// instructions other than a plain XML declaration, character references,
// names outside ASCII): parseXML then reads the document with encoding/xml.
// xmlfast_test.go checks, by fuzzing, that both agree on every input.

var errFallback = errors.New("caldav: document left to encoding/xml")

// xmlURL is the namespace bound to the prefix xml.
const xmlURL = "http://www.w3.org/XML/1998/namespace"

type fastParser struct {
	b        []byte
	s        string // b as a string: names and plain text are parts of it
	i        int
	maxDepth int
	maxNodes int
	count    int
	stack    []fastOpen
	ns       []nsBinding
	root     *node
	slab     []node
}

// fastOpen is an element whose end tag is awaited, with its raw name and
// how many namespace bindings it pushed.
type fastOpen struct {
	n     *node
	raw   string
	bound int
}

type nsBinding struct{ prefix, url string }

// newNode hands out nodes from slabs: one allocation per 32 elements.
func (p *fastParser) newNode() *node {
	if len(p.slab) == 0 {
		p.slab = make([]node, 32)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

func fastParse(b []byte, maxDepth, maxNodes int) (*node, error) {
	p := &fastParser{b: b, s: string(b), maxDepth: maxDepth, maxNodes: maxNodes}
	return p.parse()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// textPlain marks the bytes chars copies without a second look: not a
// delimiter, entity, CR, control character or the start of a multi-byte
// character.
var textPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	for _, c := range "<>&\"'" {
		t[c] = false
	}
	return t
}()

// inCharRange is XML 1.0's Char production (as encoding/xml checks it).
func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func (p *fastParser) parse() (*node, error) {
	if bytes.HasPrefix(p.b, []byte("<?")) {
		if err := p.declaration(); err != nil {
			return nil, err
		}
	}
	for p.i < len(p.b) {
		if p.b[p.i] != '<' {
			if err := p.text(); err != nil {
				return nil, err
			}
			continue
		}
		if p.i+1 >= len(p.b) {
			return nil, errFallback
		}
		switch p.b[p.i+1] {
		case '!', '?':
			return nil, errFallback
		case '/':
			if err := p.endTag(); err != nil {
				return nil, err
			}
		default:
			if err := p.startTag(); err != nil {
				return nil, err
			}
		}
	}
	if p.root == nil {
		return nil, errXMLEmpty
	}
	if len(p.stack) != 0 {
		return nil, errors.New("malformed XML: unclosed element")
	}
	return p.root, nil
}

// declaration reads a plain XML declaration at the start:
// <?xml version="1.0" encoding="utf-8" standalone="yes"?>, in either
// quotes, each part optional but one at least. Anything else is left to encoding/xml.
func (p *fastParser) declaration() error {
	end := bytes.Index(p.b[2:], []byte("?>"))
	if end < 0 {
		return errFallback
	}
	end += 2
	d := p.b[2:end]
	if !bytes.HasPrefix(d, []byte("xml")) {
		return errFallback
	}
	d = d[3:]
	seen := 0
	for _, want := range []string{"version", "encoding", "standalone"} {
		s := bytes.TrimLeft(d, " \t\r\n")
		if len(s) == len(d) && len(d) > 0 {
			return errFallback // no space before a part
		}
		d = s
		if !bytes.HasPrefix(d, []byte(want+"=")) {
			continue
		}
		d = d[len(want)+1:]
		if len(d) == 0 || (d[0] != '"' && d[0] != '\'') {
			return errFallback
		}
		q := bytes.IndexByte(d[1:], d[0])
		if q < 0 {
			return errFallback
		}
		v := string(d[1 : 1+q])
		d = d[q+2:]
		switch want {
		case "version":
			if v != "1.0" {
				return errFallback
			}
		case "encoding":
			if v != "utf-8" && v != "UTF-8" {
				return errFallback
			}
		case "standalone":
			if v != "yes" && v != "no" {
				return errFallback
			}
		}
		seen++
	}
	if seen == 0 || len(bytes.TrimLeft(d, " \t\r\n")) != 0 {
		return errFallback
	}
	p.i = end + 2
	return nil
}

// name reads an ASCII XML name at p.i.
func (p *fastParser) name() (string, error) {
	start := p.i
	if p.i >= len(p.b) {
		return "", errFallback
	}
	if c := p.b[p.i]; !isNameStart(c) {
		return "", errFallback
	}
	p.i++
	for p.i < len(p.b) && isNameChar(p.b[p.i]) {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] >= utf8.RuneSelf {
		return "", errFallback
	}
	return p.s[start:p.i], nil
}

// splitName cuts prefix:local as encoding/xml does; ok is false for a name
// with more than one colon.
func splitName(raw string) (prefix, local string, ok bool) {
	i := strings.IndexByte(raw, ':')
	if i < 0 {
		return "", raw, true
	}
	if strings.IndexByte(raw[i+1:], ':') >= 0 {
		return "", "", false
	}
	if i == 0 || i == len(raw)-1 {
		return "", raw, true
	}
	return raw[:i], raw[i+1:], true
}

// qualifiedName reads a name and cuts it at its colon; a name with more
// than one goes to encoding/xml.
func (p *fastParser) qualifiedName() (raw, prefix, local string, err error) {
	if raw, err = p.name(); err != nil {
		return "", "", "", err
	}
	prefix, local, ok := splitName(raw)
	if !ok {
		return "", "", "", errFallback
	}
	return raw, prefix, local, nil
}

func (p *fastParser) skipSpace() {
	for p.i < len(p.b) && isSpace(p.b[p.i]) {
		p.i++
	}
}

func (p *fastParser) lookup(prefix string) (string, bool) {
	for k := len(p.ns) - 1; k >= 0; k-- {
		if p.ns[k].prefix == prefix {
			return p.ns[k].url, true
		}
	}
	return "", false
}

func (p *fastParser) startTag() error {
	p.i++ // <
	raw, prefix, local, err := p.qualifiedName()
	if err != nil {
		return err
	}
	p.count++
	if p.count > p.maxNodes {
		return errXMLSize
	}
	if len(p.stack) >= p.maxDepth {
		return errXMLDepth
	}
	n := p.newNode()
	bound := 0
	empty := false
	for {
		p.skipSpace()
		if p.i >= len(p.b) {
			return errors.New("malformed XML: unexpected end inside a tag")
		}
		c := p.b[p.i]
		if c == '>' {
			p.i++
			break
		}
		if c == '/' {
			if p.i+1 >= len(p.b) || p.b[p.i+1] != '>' {
				return errors.New("malformed XML: expected /> in an element")
			}
			p.i += 2
			empty = true
			break
		}
		_, apfx, alocal, err := p.qualifiedName()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.i >= len(p.b) || p.b[p.i] != '=' {
			return errors.New("malformed XML: attribute without =")
		}
		p.i++
		p.skipSpace()
		if p.i >= len(p.b) || (p.b[p.i] != '"' && p.b[p.i] != '\'') {
			return errors.New("malformed XML: unquoted attribute value")
		}
		q := p.b[p.i]
		p.i++
		v, err := p.chars(q)
		if err != nil {
			return err
		}
		a := xml.Attr{Name: xml.Name{Space: apfx, Local: alocal}, Value: v}
		switch {
		case apfx == "xmlns":
			if v == "" {
				// Namespaces in XML 1.0 §3: a prefix cannot be undeclared.
				return fmt.Errorf("malformed XML: empty namespace declaration for prefix %q", alocal)
			}
			p.ns = append(p.ns, nsBinding{alocal, v})
			bound++
		case apfx == "" && alocal == "xmlns":
			p.ns = append(p.ns, nsBinding{"", v})
			bound++
		}
		n.Attr = append(n.Attr, a)
	}
	// Names are resolved once the element's own declarations are known.
	n.Local = local
	n.Space = p.resolve(prefix, local, true)
	for k := range n.Attr {
		a := &n.Attr[k]
		a.Name.Space = p.resolve(a.Name.Space, a.Name.Local, false)
	}
	if len(p.stack) == 0 {
		if p.root != nil {
			return errors.New("malformed XML: several root elements")
		}
		p.root = n
	} else {
		parent := p.stack[len(p.stack)-1].n
		parent.Children = append(parent.Children, n)
	}
	if empty {
		p.ns = p.ns[:len(p.ns)-bound]
		return nil
	}
	p.stack = append(p.stack, fastOpen{n: n, raw: raw, bound: bound})
	return nil
}

// resolve maps a prefix to its namespace as encoding/xml does: an element
// without prefix takes the default namespace, an attribute none; xml and
// xmlns keep their meaning; an unknown prefix stays as it is.
func (p *fastParser) resolve(prefix, local string, element bool) string {
	switch {
	case prefix == "xmlns":
		return prefix
	case prefix == "" && !element:
		return ""
	case prefix == "xml":
		return xmlURL
	case prefix == "" && local == "xmlns":
		return ""
	}
	if url, ok := p.lookup(prefix); ok {
		return url
	}
	return prefix
}

func (p *fastParser) endTag() error {
	p.i += 2 // </
	raw, err := p.name()
	if err != nil {
		return err
	}
	if _, _, ok := splitName(raw); !ok {
		return errFallback
	}
	p.skipSpace()
	if p.i >= len(p.b) || p.b[p.i] != '>' {
		return errors.New("malformed XML: invalid characters in an end tag")
	}
	p.i++
	if len(p.stack) == 0 {
		return errors.New("malformed XML: unexpected end element")
	}
	top := p.stack[len(p.stack)-1]
	if top.raw != raw {
		return fmt.Errorf("malformed XML: element <%s> closed by </%s>", top.raw, raw)
	}
	p.stack = p.stack[:len(p.stack)-1]
	p.ns = p.ns[:len(p.ns)-top.bound]
	return nil
}

// text reads character data up to the next tag.
func (p *fastParser) text() error {
	s, err := p.chars('<')
	if err != nil {
		return err
	}
	if len(p.stack) > 0 {
		top := p.stack[len(p.stack)-1].n
		top.Text += s
	} else if len(bytes.TrimSpace([]byte(s))) > 0 {
		return errors.New("malformed XML: text outside the root element")
	}
	return nil
}

// chars reads text up to the byte stop ('<' for content, the quote for an
// attribute value), which it consumes unless it is '<'. It decodes the
// five predefined entities, turns CR LF and lone CR into LF, and refuses
// what encoding/xml refuses: other entities, bytes outside XML's
// characters, "]]>" in content, "<" in a value.
func (p *fastParser) chars(stop byte) (string, error) {
	b, i := p.b, p.i
	start := i
	simple := true // no entity, no CR: the bytes are the text
	for i < len(b) {
		c := b[i]
		if textPlain[c] {
			i++
			continue
		}
		if c == stop {
			break
		}
		switch {
		case c == '<':
			return "", errors.New("malformed XML: unescaped < inside an attribute value")
		case c == '&' || c == '\r':
			simple = false
		case c == '>' && stop == '<' && i >= start+2 && b[i-1] == ']' && b[i-2] == ']':
			return "", errors.New("malformed XML: unescaped ]]> outside CDATA")
		case c < 0x20 && c != '\t' && c != '\n':
			return "", fmt.Errorf("malformed XML: illegal character code %U", rune(c))
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return "", errors.New("malformed XML: invalid UTF-8")
			}
			if !inCharRange(r) {
				return "", fmt.Errorf("malformed XML: illegal character code %U", r)
			}
			i += size
			continue
		}
		i++
	}
	p.i = i
	if p.i >= len(p.b) && stop != '<' {
		return "", errors.New("malformed XML: unexpected end inside an attribute value")
	}
	raw := p.b[start:p.i]
	if stop != '<' {
		p.i++ // the closing quote
	}
	if simple {
		return p.s[start : start+len(raw)], nil
	}
	var sb []byte
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		switch c {
		case '\r':
			sb = append(sb, '\n')
			if k+1 < len(raw) && raw[k+1] == '\n' {
				k++
			}
		case '&':
			semi := bytes.IndexByte(raw[k:], ';')
			if semi < 0 {
				return "", errFallback
			}
			switch string(raw[k+1 : k+semi]) {
			case "lt":
				sb = append(sb, '<')
			case "gt":
				sb = append(sb, '>')
			case "amp":
				sb = append(sb, '&')
			case "apos":
				sb = append(sb, '\'')
			case "quot":
				sb = append(sb, '"')
			default:
				return "", errFallback
			}
			k += semi
		default:
			sb = append(sb, c)
		}
	}
	return string(sb), nil
}
