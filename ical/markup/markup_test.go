package markup

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Bal folk\navec Trad'Agen", "<p>Bal folk<br>avec Trad&#39;Agen</p>"},
		{"Un.\n\nDeux.", "<p>Un.</p><p>Deux.</p>"},
		{"Entrée *libre*, **chapeau**", "<p>Entrée <em>libre</em>, <strong>chapeau</strong></p>"},
		{"- pain\n- vin", "<ul><li>pain</li><li>vin</li></ul>"},
		{"Infos : https://agen.fr/bal.", `<p>Infos : <a href="https://agen.fr/bal" rel="nofollow">https://agen.fr/bal</a>.</p>`},
		{"[Le site](https://agen.fr/)", `<p><a href="https://agen.fr/" rel="nofollow">Le site</a></p>`},
		{"Écrire à contact@agen.fr", `<p>Écrire à <a href="mailto:contact@agen.fr" rel="nofollow">contact@agen.fr</a></p>`},
		// Hostile input.
		{"Producteurs <bio> & pruneaux", "<p>Producteurs &lt;bio&gt; &amp; pruneaux</p>"},
		{"<script>alert(1)</script>Salut", "<p>&lt;script&gt;alert(1)&lt;/script&gt;Salut</p>"},
		{"[clic](javascript:alert(1))", "<p>clic</p>"},
		{"<a href=\"https://x.fr\" onclick=\"alert(1)\">x</a>", "<p>&lt;a href=&#34;https://x.fr&#34; onclick=&#34;alert(1)&#34;&gt;x&lt;/a&gt;</p>"},
		{"![affiche](https://tracker.example/pixel.png)", "<p></p>"},
		{"<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"},
		{"[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>"},
	} {
		if got := HTML(c.in); got != c.want {
			t.Errorf("HTML(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Texts made to make a Markdown parser's work or output explode stay
// within bounds: nesting is flattened, brackets past the bound are plain
// characters, and the output is not much longer than the input.
func TestHTMLBounds(t *testing.T) {
	nested := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(strings.Repeat(" ", 2*i) + "- a\n")
		}
		return b.String()
	}
	for name, in := range map[string]string{
		"quotes":       strings.Repeat(">", 30000),
		"spaced":       strings.Repeat("> ", 15000),
		"lists":        strings.Repeat("- ", 15000) + "x",
		"ordered":      strings.Repeat("1. ", 10000) + "x",
		"indented":     nested(140),
		"stars":        strings.Repeat("*", 30000),
		"links":        strings.Repeat("[a](", 8000),
		"brackets":     strings.Repeat("[", 30000),
		"quoted lists": strings.Repeat("> - ", 6000) + "x",
	} {
		out := HTML(in)
		if n := strings.Count(out, "<blockquote>") + strings.Count(out, "<ul>") + strings.Count(out, "<ol>"); n > 2*MaxDepth+2 {
			t.Errorf("%s: %d nested blocks, at most %d", name, n, 2*MaxDepth+2)
		}
		if n := strings.Count(out, "<a "); n > MaxBrackets {
			t.Errorf("%s: %d links, at most %d", name, n, MaxBrackets)
		}
		if len(out) > 3*MaxSource {
			t.Errorf("%s: %d bytes out of %d in", name, len(out), len(in))
		}
	}
	// The cut falls on a character boundary.
	if out := HTML(strings.Repeat("é", MaxSource)); !strings.HasSuffix(out, "é</p>") || len(out) > MaxSource+10 {
		t.Errorf("cut text ends %q", out[max(0, len(out)-20):])
	}
}

func TestHTMLText(t *testing.T) {
	got := HTMLText("#bal à https://agen.fr/#plan", func(s string) string { return strings.ReplaceAll(s, "#", "\u2060#") })
	want := "<p>\u2060#bal à <a href=\"https://agen.fr/#plan\" rel=\"nofollow\">https://agen.fr/#plan</a></p>"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// BenchmarkHostile renders the worst texts the bounds let through, to
// compare with BenchmarkPlain (a plain description of the same length).
func BenchmarkHostile(b *testing.B) {
	for _, in := range []string{strings.Repeat(">", MaxSource), strings.Repeat("[a](", MaxSource/4), strings.Repeat("> - ", MaxSource/4)} {
		b.Run(in[:4], func(b *testing.B) {
			for b.Loop() {
				HTML(in)
			}
		})
	}
}

func BenchmarkPlain(b *testing.B) {
	in := strings.Repeat("Bal folk à Agen avec Trad'Agen, entrée libre. https://agen.fr\n", MaxSource/64)
	for b.Loop() {
		HTML(in)
	}
}
