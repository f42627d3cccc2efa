package policy_test

import (
	"fmt"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

func Example() {
	p, err := policy.Load("../examples/seed004-staffpoint.yaml")
	if err != nil {
		fmt.Println(err) // every problem, one "FILE:LINE: message" a line
		return
	}
	calls := p.RegisterFor(policy.KindCall)
	fmt.Println(calls.ID, calls.Name.In("sv"))
	fmt.Println(p.Can(policy.RoleAgent, calls.ID, policy.ActionRecording), p.Can(policy.RoleSupervisor, calls.ID, policy.ActionRecording))
	fmt.Println(calls.PurposeRequired(policy.ActionRecording))

	ended := time.Date(2025, time.August, 31, 10, 0, 0, 0, time.UTC)
	for _, part := range []policy.Part{policy.PartMetadata, policy.PartRecording} {
		rule, _ := calls.Rule(part)
		fmt.Printf("%s: %s from %s, gone after %s\n", part, rule.Keep, rule.From, rule.ExpiresAt(ended).Format(time.DateOnly))
	}
	// Output:
	// calls Kundtjänstens samtal och samtalsinspelningar
	// false true
	// true
	// metadata: 2y from contact_end, gone after 2027-08-31
	// recording: 3m from contact_end, gone after 2025-11-30
}

func ExampleParse() {
	_, err := policy.Parse("broken.yaml", []byte("version: 2\ncontroller: {name: Esimerkki Oy}\n"))
	fmt.Println(err)
	// Output:
	// broken.yaml:1: version: unsupported version 2; this Kirjaamo reads version 1
	// broken.yaml:1: dpo: missing; name the data protection officer (tietosuojavastaava) and how to reach them
	// broken.yaml:1: registers: missing; a policy needs at least one register
}
