package http_test

import (
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
)

// Seed 002: chats keep no identifying data. What the scanner finds in a
// transcript is removed before storing, and what it mentions is indexed by
// blind index, so a transcript that mentions a person's e-mail but is linked
// to nobody is still found for that person's data request.
func TestChatMinimisedAndMentionsIndexed(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		g := synth.New(99)
		person := g.Person()
		text := "Hei, sähköpostini on " + person.Emails[0] + " ja henkilötunnukseni " + person.IdentityCode +
			", soittakaa numeroon " + person.Phones[0] + ". Olen ollut sairauslomalla."
		var chat kirjaamo.Contact
		if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindChat, Content: &text}, &chat); code != 201 {
			t.Fatalf("create chat: %d", code)
		}
		var stored kirjaamo.Contact
		e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+chat.ID, nil, &stored)
		for _, secret := range []string{person.Emails[0], person.IdentityCode, person.Phones[0]} {
			if strings.Contains(*stored.Content, secret) {
				t.Fatalf("the stored transcript still holds an identifier: %q", *stored.Content)
			}
		}
		if !strings.Contains(*stored.Content, "[email_address]") || !stored.Flags.SpecialCategory {
			t.Fatalf("got content %q flags %+v, want redactions and the special-category flag", *stored.Content, stored.Flags)
		}
		for _, tc := range []struct {
			name string
			q    kirjaamo.SubjectQuery
			want int
		}{
			{"ByEmail", kirjaamo.SubjectQuery{Email: strings.ToUpper(person.Emails[0])}, 1},
			{"ByIdentityCode", kirjaamo.SubjectQuery{IdentityCode: person.IdentityCode}, 1},
			{"ByPhoneInAnotherForm", kirjaamo.SubjectQuery{Phone: "+358" + strings.ReplaceAll(person.Phones[0][1:], " ", "")}, 1},
			{"SomeoneElse", kirjaamo.SubjectQuery{Email: g.Email()}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var list khttp.ContactList
				if code := e.do(policy.RoleDPO, "POST", "/api/v1/mentions/search", tc.q, &list); code != 200 || len(list.Contacts) != tc.want {
					t.Fatalf("got %d with %d contacts, want %d", code, len(list.Contacts), tc.want)
				}
				if tc.want == 1 && list.Contacts[0].ID != chat.ID {
					t.Fatalf("found another contact")
				}
			})
		}
		// The database holds none of the identifiers, in the mentions
		// index or anywhere else.
		raw := storetest.RowBytes(t, e.db.Writer(), "contacts", "mentions", "audit_events", "retention_parts")
		for _, secret := range []string{person.Emails[0], person.IdentityCode} {
			if strings.Contains(string(raw), secret) {
				t.Fatal("an identifier is stored in plain text")
			}
		}
	})
}
