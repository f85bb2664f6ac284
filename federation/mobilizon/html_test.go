package mobilizon

import (
	"strings"
	"testing"
)

func TestSanitizeHTMLHostile(t *testing.T) {
	hostile := []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror="alert(1)">`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="JaVaScRiPt:alert(1)">x</a>`,
		`<a href="  javascript:alert(1)">x</a>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
		`<a href="vbscript:msgbox">x</a>`,
		`<p style="background:url(javascript:alert(1))" onclick="x()" onmouseover="y()">t</p>`,
		`<style>body{display:none}</style>`,
		`<iframe src="https://evil.example"></iframe>`,
		`<svg onload=alert(1)><circle/></svg>`,
		`<object data="x.swf"></object><embed src="x.swf">`,
		`<form action="https://evil.example"><input name=a><button>b</button></form>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<a href="/relative">rel</a><a href="//evil.example/x">proto-rel</a>`,
		`<meta http-equiv="refresh" content="0;url=https://evil.example">`,
		`<base href="https://evil.example/">`,
		`<div class="x" id="y">z</div><span style="color:red">s</span>`,
		`<!-- <script>alert(1)</script> -->`,
		"<scr<script>ipt>alert(1)</scr</script>ipt>",
	}
	bad := []string{"<script", "onerror", "onclick", "onmouseover", "onload", "javascript:", "vbscript:", "data:",
		"<style", "style=", "<iframe", "<svg", "<object", "<embed", "<form", "<input", "<img", "<meta", "<base",
		"class=", "id=", "href=\"/", "href=\"//", "<!--"}
	for _, in := range hostile {
		out := SanitizeHTML(in)
		low := strings.ToLower(out)
		for _, b := range bad {
			if strings.Contains(low, b) {
				t.Errorf("SanitizeHTML(%q) = %q still holds %q", in, out, b)
			}
		}
		if again := SanitizeHTML(out); again != out {
			t.Errorf("not idempotent on %q: %q then %q", in, out, again)
		}
	}
	// What must survive.
	keep := `<p>Un <strong>marché</strong> et <em>plus</em><br>` +
		`<a href="https://ok.example/a?b=1&amp;c=2">lien</a> <a href="mailto:contact@asso.example">écrire</a></p>` +
		`<ul><li>un</li></ul><ol><li>deux</li></ol><blockquote>cité</blockquote><h2>Titre</h2>`
	out := SanitizeHTML(keep)
	for _, want := range []string{
		`<strong>marché</strong>`, `<em>plus</em>`, `<br>`, `<ul><li>un</li></ul>`, `<ol><li>deux</li></ol>`,
		`<blockquote>cité</blockquote>`, `<h2>Titre</h2>`,
		`<a href="https://ok.example/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">lien</a>`,
		`<a href="mailto:contact@asso.example" rel="nofollow">écrire</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("SanitizeHTML dropped %q:\n%s", want, out)
		}
	}
	if SanitizeHTML(out) != out {
		t.Error("not idempotent on clean HTML")
	}
	if got := SanitizeHTML("a\xffb"); got != "a\uFFFDb" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

func TestTextToHTMLAndBack(t *testing.T) {
	in := "Bonjour <à tous> & bienvenue.\nInscriptions : https://asso.example/inscription.\n\n\nÀ bientôt (https://asso.example/)"
	h := TextToHTML(in)
	want := `<p>Bonjour &lt;à tous&gt; &amp; bienvenue.<br>Inscriptions : <a href="https://asso.example/inscription" rel="nofollow noopener" target="_blank">https://asso.example/inscription</a>.</p>` +
		`<p>À bientôt (<a href="https://asso.example/" rel="nofollow noopener" target="_blank">https://asso.example/</a>)</p>`
	if h != want {
		t.Errorf("TextToHTML:\n got %s\nwant %s", h, want)
	}
	if SanitizeHTML(h) != h {
		t.Errorf("TextToHTML output changes under SanitizeHTML:\n%s\n%s", h, SanitizeHTML(h))
	}
	back := HTMLToText(h)
	if back != "Bonjour <à tous> & bienvenue.\nInscriptions : https://asso.example/inscription.\n\nÀ bientôt (https://asso.example/)" {
		t.Errorf("HTMLToText: %q", back)
	}
	if got := HTMLToText(`<h1>T</h1><ul><li>a</li><li>b</li></ul><script>x</script><p>fin</p>`); got != "T\n\n- a\n- b\n\nfin" {
		t.Errorf("HTMLToText lists: %q", got)
	}
	if TextToHTML("  \n\n ") != "" {
		t.Error("blank text gives HTML")
	}
}
