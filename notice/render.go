package notice

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
)

// markdown renders the notice as CommonMark.
func (d *doc) markdown() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(d.title))
	if d.meta != "" {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(d.meta))
	}
	mdBlocks(&b, d.intro)
	for i, s := range d.sections {
		fmt.Fprintf(&b, "## %d. %s\n\n", i+1, mdEscape(s.heading))
		mdBlocks(&b, s.blocks)
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}

func mdBlocks(b *bytes.Buffer, bs []block) {
	for _, bl := range bs {
		switch bl.kind {
		case para:
			fmt.Fprintf(b, "%s\n\n", mdEscape(bl.text))
		case label:
			fmt.Fprintf(b, "**%s**\n\n", mdEscape(bl.text))
		case sub:
			fmt.Fprintf(b, "### %s\n\n", mdEscape(bl.text))
		case list:
			for _, it := range bl.items {
				fmt.Fprintf(b, "- %s\n", mdEscapeInline(it))
			}
			b.WriteString("\n")
		case lines:
			for i, it := range bl.items {
				end := "  \n" // a hard line break
				if i == len(bl.items)-1 {
					end = "\n"
				}
				fmt.Fprintf(b, "%s%s", mdEscape(it), end)
			}
			b.WriteString("\n")
		}
	}
}

var mdInline = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`)

// mdEscapeInline escapes what Markdown would read as markup inside a line.
func mdEscapeInline(s string) string { return mdInline.Replace(s) }

// mdEscape also escapes what would start a heading, list or quote.
func mdEscape(s string) string {
	s = mdEscapeInline(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '-', '+', '=':
		return `\` + s
	}
	// "1. " or "1) " at the start would begin a numbered list.
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// css is the notice's only style: inline, so the page is one
// self-contained file with no fonts or scripts from elsewhere, and it
// prints on A4 without the navigation.
const css = `:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f4f4f2;color:#1b1b1b;font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif}
main{max-width:46rem;margin:0 auto;padding:2.5rem 2rem 3rem;background:#fff;min-height:100vh}
header{border-bottom:3px solid #0b4f6c;margin-bottom:1.5rem}
h1{font-size:1.9rem;line-height:1.2;margin:0 0 .4rem;color:#0b4f6c}
h2{font-size:1.3rem;line-height:1.3;margin:2.2rem 0 .6rem;color:#0b4f6c}
h3{font-size:1.05rem;margin:1.4rem 0 .3rem}
p,ul,ol{margin:0 0 .8rem}
ul{padding-left:1.4rem}
li{margin:.15rem 0}
.meta{color:#555;margin:0 0 1rem}
.label{font-weight:600;margin:1.1rem 0 .3rem}
.lines{padding-left:.8rem;border-left:3px solid #d6e4ea}
nav{background:#f1f6f8;padding:.8rem 1.2rem;margin:0 0 1.5rem;border-radius:4px}
nav h2{font-size:1rem;margin:0 0 .4rem;color:#1b1b1b}
nav ol{list-style:none;padding:0;margin:0;columns:2;column-gap:2rem}
nav li{break-inside:avoid}
a{color:#0b4f6c}
a:focus{outline:2px solid #e0a100;outline-offset:2px}
@media (max-width:40rem){main{padding:1.2rem 1rem}nav ol{columns:1}}
@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}nav{display:none}h2,h3,.label{break-after:avoid}p,li{orphans:3;widows:3}a{color:inherit;text-decoration:none}}`

// ContentSecurityPolicy is the policy under which the HTML notice needs
// nothing but its own inline style: serve it with this header.
var ContentSecurityPolicy = func() string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}()

// html renders the notice as one self-contained HTML page.
func (d *doc) html() []byte {
	var b bytes.Buffer
	e := html.EscapeString
	w, _ := wordsFor(d.lang)
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", e(d.lang))
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<header>\n<h1>%s</h1>\n", e(d.title), css, e(d.title))
	if d.meta != "" {
		fmt.Fprintf(&b, "<p class=\"meta\">%s</p>\n", e(d.meta))
	}
	b.WriteString("</header>\n")
	htmlBlocks(&b, d.intro)
	fmt.Fprintf(&b, "<nav aria-labelledby=\"toc\">\n<h2 id=\"toc\">%s</h2>\n<ol>\n", e(w.toc))
	for i, s := range d.sections {
		fmt.Fprintf(&b, "<li><a href=\"#%s\">%d. %s</a></li>\n", s.id, i+1, e(s.heading))
	}
	b.WriteString("</ol>\n</nav>\n")
	for i, s := range d.sections {
		fmt.Fprintf(&b, "<section aria-labelledby=\"%s\">\n<h2 id=\"%s\">%d. %s</h2>\n", s.id, s.id, i+1, e(s.heading))
		htmlBlocks(&b, s.blocks)
		b.WriteString("</section>\n")
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	return b.Bytes()
}

func htmlBlocks(b *bytes.Buffer, bs []block) {
	e := html.EscapeString
	for _, bl := range bs {
		switch bl.kind {
		case para:
			fmt.Fprintf(b, "<p>%s</p>\n", e(bl.text))
		case label:
			fmt.Fprintf(b, "<p class=\"label\">%s</p>\n", e(bl.text))
		case sub:
			fmt.Fprintf(b, "<h3>%s</h3>\n", e(bl.text))
		case list:
			b.WriteString("<ul>\n")
			for _, it := range bl.items {
				fmt.Fprintf(b, "<li>%s</li>\n", e(it))
			}
			b.WriteString("</ul>\n")
		case lines:
			parts := make([]string, len(bl.items))
			for i, it := range bl.items {
				parts[i] = e(it)
			}
			fmt.Fprintf(b, "<p class=\"lines\">%s</p>\n", strings.Join(parts, "<br>\n"))
		}
	}
}
