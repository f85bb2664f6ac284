package mobilizon

import (
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

// linkifyTokens returns the pieces of an HTML text that Mobilizon's
// Linkify would look at for hashtags and mentions: the text outside <a>,
// <pre> and <code>, cut at tags, spaces and line breaks, with a leading
// parenthesis removed (Linkify strips it before matching).
func linkifyTokens(h string) []string {
	var out []string
	skip := false
	for len(h) > 0 {
		if h[0] == '<' {
			end := strings.IndexByte(h, '>')
			if end < 0 {
				break
			}
			tag := h[1:end]
			switch {
			case strings.HasPrefix(tag, "a ") || tag == "a" || tag == "pre" || tag == "code":
				skip = true
			case tag == "/a" || tag == "/pre" || tag == "/code":
				skip = false
			}
			h = h[end+1:]
			continue
		}
		end := strings.IndexByte(h, '<')
		if end < 0 {
			end = len(h)
		}
		if !skip {
			for _, tok := range strings.FieldsFunc(h[:end], func(r rune) bool { return r == ' ' || r == '\n' || r == '\r' }) {
				out = append(out, strings.TrimPrefix(tok, "("))
			}
		}
		h = h[end:]
	}
	return out
}

// TestContentHTMLNoTagsOrMentions: the #words and @user@host of a
// description reach Mobilizon as text that its Linkify does not turn into
// tags or WebFinger lookups, read back as written, and the event's tags
// are its CATEGORIES only.
func TestContentHTMLNoTagsOrMentions(t *testing.T) {
	desc := "Fête du #pruneau avec @jean@mastodon.example !\n(#Agen) #47 et @marie.\n" +
		"Écrire à contact@asso.example, voir https://asso.example/page#programme."
	ev := &model.Event{UUID: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e", Summary: "Fête du pruneau", Description: desc,
		Start: paris(2026, 8, 29, 10, 0), TZID: "Europe/Paris", Categories: []string{"Fête"}}
	obj := EventObject(ev, assoc, nil, hub)
	content := obj["content"].(string)
	for _, tok := range linkifyTokens(content) {
		if strings.HasPrefix(tok, "#") || strings.HasPrefix(tok, "@") {
			t.Errorf("Mobilizon would read %q in %s as a hashtag or a mention", tok, content)
		}
	}
	if !strings.Contains(content, `href="https://asso.example/page#programme"`) {
		t.Errorf("the link lost its fragment: %s", content)
	}
	if got := HTMLToText(content); got != desc {
		t.Errorf("read back as %q, want %q", got, desc)
	}
	tags := obj["tag"].([]any)
	if len(tags) != 1 || tags[0].(map[string]any)["name"] != "#Fête" {
		t.Errorf("tags %v, want only the category #Fête", tags)
	}
}
