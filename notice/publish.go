package notice

import (
	"context"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// canonicalDate stands in for the publication date when deciding whether a
// notice changed: the date printed in it is not a change of content.
var canonicalDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Publish stores a new version of the notice in every language and format
// whose text differs from the last published one, dated now, and returns
// how many it stored. The version is the policy's notice version (or "1"),
// suffixed with the content digest when that version was already published
// with another text — a DPO who forgets to bump it still gets a new,
// distinguishable version rather than a silently replaced one.
func Publish(ctx context.Context, st kirjaamo.DocumentStore, p *policy.Policy, now time.Time) (int, error) {
	version := "1"
	if p.Notice != nil && p.Notice.Version != "" {
		version = p.Notice.Version
	}
	n := 0
	for _, lang := range Languages() {
		for _, format := range Formats() {
			canon, err := Render(p, lang, format, Options{Version: version, Published: canonicalDate})
			if err != nil {
				return n, err
			}
			digest := Digest(canon)
			body, err := Render(p, lang, format, Options{Version: version, Published: now})
			if err != nil {
				return n, err
			}
			d := &kirjaamo.Document{ID: kirjaamo.NewID(now), Kind: kirjaamo.DocNotice, Lang: lang, Format: format,
				Version: version, Digest: digest, PublishedAt: now, Body: body}
			created, err := st.PublishDocument(ctx, d)
			if kirjaamo.ErrorCode(err) == kirjaamo.ECONFLICT {
				d.Version = version + "+" + digest[len("sha256:"):][:8]
				created, err = st.PublishDocument(ctx, d)
			}
			if err != nil {
				return n, err
			}
			if created {
				n++
			}
		}
	}
	return n, nil
}
