package email

import (
	"strings"
	"testing"
)

func TestToUTF8(t *testing.T) {
	tests := []struct{ name, charset, in, want string }{
		{"Windows1252Letters", "windows-1252", "p\xe4iv\xe4 \x80 \x93x\x94", "päivä € “x”"},
		{"Windows1252UndefinedBytesReplaced", "cp1252", "a\x81b", "a\uFFFDb"},
		{"Latin1LabelReadAsWindows1252", "ISO-8859-1", "\x80", "€"},
		{"Latin9Letters", "iso-8859-15", "\xa4 \xa6 \xb4 \xbd", "€ Š Ž œ"},
		{"UTF8InvalidBytesReplaced", "utf-8", "a\xffb", "a\uFFFDb"},
		{"UTF8BOMDropped", "utf-8", "\xef\xbb\xbfhei", "hei"},
		{"UnknownCharsetValidUTF8Kept", "x-unknown", "päivä", "päivä"},
		{"UnknownCharsetElseWindows1252", "koi8-r", "p\xe4iv\xe4", "päivä"},
		{"UTF16BigEndianWithBOM", "", "\xfe\xff\x00h\x00\xe4", "hä"},
		{"UTF16LELabel", "utf-16le", "h\x00\xe4\x00", "hä"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { eq(t, "text", toUTF8(tt.charset, []byte(tt.in)), tt.want) })
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ScriptAndStyleDropped", "<style>x{}</style>a<SCRIPT>evil()</script>b", "ab"},
		{"UnterminatedTagDropsTheRest", "hei <b class=\"x", "hei"},
		{"UnterminatedCommentDropsTheRest", "hei <!-- salaista", "hei"},
		{"EntitiesDecoded", "&lt;b&gt; &auml; &#228; &amp;", "<b> ä ä &"},
		{"BlocksBecomeLines", "<div>a</div><div>b</div><br>c", "a\n\nb\n\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := htmlToText(tt.in)
			eq(t, "text", got, tt.want)
			if strings.ContainsAny(got, "<>") && !strings.Contains(tt.in, "&lt;") {
				t.Errorf("markup survived: %q", got)
			}
		})
	}
}
