package kirjaamo_test

import (
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// TestPlanAttachment checks what is kept of an e-mail attachment under the
// register's redaction rules (seed 000 §3: an e-mail with an identity code
// or special-category data is stored without it; seed 000 §2: store only
// what is needed).
func TestPlanAttachment(t *testing.T) {
	pol, err := policy.Load("examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	svc := &kirjaamo.Service{Policy: pol, HashKey: []byte("test hash key")}
	g := synth.New(3)
	code := g.IdentityCode(g.BirthDate())
	tests := []struct {
		name     string
		register string
		in       kirjaamo.ReceivedAttachment
		original bool
		redacted bool
		stored   bool
		note     string
	}{
		{"TextWithoutFindingsStoredAsSent", "emails",
			kirjaamo.ReceivedAttachment{Filename: "a.txt", ContentType: "text/plain", Text: "Hei.", Scannable: true}, true, false, true, ""},
		{"TextWithIdentityCodeStoredRedacted", "emails",
			kirjaamo.ReceivedAttachment{Filename: "a.txt", ContentType: "text/plain", Text: "Tunnus " + code, Scannable: true}, false, true, true, "removed"},
		{"TextWithHealthDataStoredRedacted", "emails",
			kirjaamo.ReceivedAttachment{Filename: "b.csv", ContentType: "text/csv", Text: "Minulla on diabetes.", Scannable: true}, false, true, true, "special_category"},
		// seed 002's chats keep special-category words: the policy decides.
		{"HealthDataKeptWhereThePolicyKeepsIt", "chats",
			kirjaamo.ReceivedAttachment{Filename: "b.txt", ContentType: "text/plain", Text: "Minulla on diabetes.", Scannable: true}, true, false, true, ""},
		{"TruncatedTextWithIdentityCodeNotStored", "emails",
			kirjaamo.ReceivedAttachment{Filename: "big.txt", ContentType: "text/plain", Text: "Tunnus " + code, Scannable: true, Truncated: true}, false, false, false, "scan limit"},
		{"TruncatedTextWithoutFindingsStoredAndNoted", "emails",
			kirjaamo.ReceivedAttachment{Filename: "big.txt", ContentType: "text/plain", Text: "Hei.", Scannable: true, Truncated: true}, true, false, true, "only the beginning"},
		{"BinaryStoredAsSentUnscanned", "emails",
			kirjaamo.ReceivedAttachment{Filename: "a.pdf", ContentType: "application/pdf"}, true, false, true, ""},
		{"BinaryNamedWithIdentityCodeNotStored", "emails",
			kirjaamo.ReceivedAttachment{Filename: code + ".pdf", ContentType: "application/pdf"}, false, false, false, "file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := svc.PlanAttachment(tt.register, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			a := p.Attachment
			if p.Original != tt.original || a.Redacted != tt.redacted || a.Stored != tt.stored {
				t.Fatalf("got original %v redacted %v stored %v, want %v %v %v", p.Original, a.Redacted, a.Stored, tt.original, tt.redacted, tt.stored)
			}
			if !strings.Contains(a.Note, tt.note) {
				t.Fatalf("got note %q, want it to mention %q", a.Note, tt.note)
			}
			if strings.Contains(a.Filename, code) || strings.Contains(p.Text, code) || strings.Contains(a.Note, code) {
				t.Fatal("the identity code survived the plan")
			}
			if a.Scanned != (tt.in.Scannable && !tt.in.Truncated) {
				t.Fatalf("got scanned %v", a.Scanned)
			}
		})
	}
	if _, err := svc.PlanAttachment("no_such_register", kirjaamo.ReceivedAttachment{}); kirjaamo.ErrorCode(err) != kirjaamo.EFORBIDDEN {
		t.Fatalf("unknown register: got %v, want EFORBIDDEN", err)
	}
}
