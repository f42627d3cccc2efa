package bench_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// chatMessages is the length of one benchmark chat.
const chatMessages = 20

// BenchmarkChatIngest: issue 4's chat ingest with redaction (target ≥ 5,000
// messages/s on SQLite). Each operation stores one chat of 20 messages
// through kirjaamo.Service.CreateContact as POST /api/v1/contacts does:
// every message scanned and minimised by the register's rules (seed 002's
// chats keep no identifying data: the phone numbers, e-mail addresses and
// identity codes customers type are redacted before storage), the mentions
// index written, the transcript sealed, the audited write. messages/s is
// writes/s × 20.
func BenchmarkChatIngest(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			ring := keys.Generate()
			e := newEnv(b, be.open(b, ring), ring)
			chats := syntheticChats(64)
			// Not timed: the chat is stored redacted, so the benchmark
			// measures the real work.
			probe := &kirjaamo.Contact{Kind: policy.KindChat, Direction: "inbound", Messages: chats[0]}
			if err := e.svc.CreateContact(e.ctx, probe); err != nil {
				b.Fatal(err)
			}
			got, err := e.svc.Contact(e.ctx, probe.ID)
			if err != nil {
				b.Fatal(err)
			}
			if len(got.Messages) != chatMessages || strings.Contains(got.Messages[0].Text, "040 ") {
				b.Fatalf("stored chat: %d messages, first %q; want %d, redacted", len(got.Messages), got.Messages[0].Text, chatMessages)
			}
			runWrites(b, func(i int) error {
				c := &kirjaamo.Contact{Kind: policy.KindChat, Direction: "inbound", Messages: chats[i%len(chats)]}
				return e.svc.CreateContact(e.ctx, c)
			})
		})
	}
}

// syntheticChats returns n chats of chatMessages messages, alternating
// customer and agent, about one in four carrying a synthetic identifier.
func syntheticChats(n int) [][]kirjaamo.ChatMessage {
	g := synth.New(42)
	start := time.Now().Add(-time.Hour).UTC()
	out := make([][]kirjaamo.ChatMessage, n)
	for i := range out {
		msgs := make([]kirjaamo.ChatMessage, chatMessages)
		for j := range msgs {
			sender, text := "agent", g.Sentence()
			if j%2 == 0 {
				sender = "customer"
				switch j % 8 {
				case 0:
					text += " Numeroni on " + g.Phone() + "."
				case 4:
					text += " Sähköpostini on " + g.Email() + "."
				}
			}
			msgs[j] = kirjaamo.ChatMessage{Sender: sender, At: start.Add(time.Duration(j) * 20 * time.Second), Text: text}
		}
		out[i] = msgs
	}
	return out
}
