package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// GDPR art. 34 from the command line: link the affected subjects, queue a
// letter to each in their language and write them out; a second incident
// records an art. 34(3) exemption instead; the register lists both.
func TestIncidentsLinkLettersAndExemption(t *testing.T) {
	data := t.TempDir()
	pol, _ := filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	texts, _ := filepath.Abs("../../examples/breach-letter-texts.json")
	if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", data, "--username", "dpo.one", "--role", "dpo"); code != 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	db, ring, err := (&config{data: data, migrate: true}).open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := policy.Load(pol)
	svc := &kirjaamo.Service{Store: db, Policy: p, BlindRef: ring.BlindRef}
	agent := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: "agent.one", Role: policy.RoleAgent, CreatedAt: time.Now()}
	db.CreateUser(ctx, agent)
	actx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: agent, Purpose: "testi"})
	g := synth.New(9)
	var ids []string
	for _, lang := range []string{"fi", "sv"} {
		person := g.Person()
		person.Lang = lang
		if err := svc.CreateSubject(actx, person); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, person.ID)
	}
	high := &kirjaamo.Incident{Description: "Asiakasluettelo lähti väärälle vastaanottajalle.", Risk: "high"}
	lost := &kirjaamo.Incident{Description: "Salattu kannettava katosi.", Risk: "high"}
	for _, i := range []*kirjaamo.Incident{high, lost} {
		if err := svc.ReportIncident(actx, i); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	if code, out, errs := kirjaamoCmd(t, "", append([]string{"incidents", "link", "--data", data, "--policy", pol, "--as", "dpo.one", high.ID}, ids...)...); code != 0 || !strings.Contains(out, "2 affected subjects") {
		t.Fatalf("link: exit %d %q %q", code, out, errs)
	}
	dir := filepath.Join(t.TempDir(), "letters")
	code, out, errs := kirjaamoCmd(t, "", "incidents", "letters", "--data", data, "--policy", pol, "--as", "dpo.one", "--texts", texts, "--out", dir, high.ID)
	if code != 0 || !strings.Contains(out, "2 letters queued (fi 1, sv 1)") {
		t.Fatalf("letters: exit %d %q %q", code, out, errs)
	}
	sv, _ := filepath.Glob(filepath.Join(dir, "*.sv.txt"))
	if len(sv) != 1 {
		t.Fatalf("got %d Swedish letters in %s, want 1", len(sv), dir)
	}
	if b, _ := os.ReadFile(sv[0]); !strings.Contains(string(b), "Vad hände") {
		t.Fatalf("the Swedish letter is not in Swedish")
	}
	if code, _, _ := kirjaamoCmd(t, "", "incidents", "letters", "--data", data, "--policy", pol, "--as", "dpo.one", "--exempt", "protected", lost.ID); code != 1 {
		t.Fatalf("exemption without a reason: exit %d, want 1", code)
	}
	if code, out, errs := kirjaamoCmd(t, "", "incidents", "letters", "--data", data, "--policy", pol, "--as", "dpo.one", "--exempt", "protected",
		"--reason", "Levy oli salattu, eikä avain ollut laitteessa.", lost.ID); code != 0 || !strings.Contains(out, "art. 34(3)") {
		t.Fatalf("exemption: exit %d %q %q", code, out, errs)
	}
	code, out, errs = kirjaamoCmd(t, "", "incidents", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "exempt: protected") || strings.Count(out, "\n") != 3 {
		t.Fatalf("list: exit %d %q %q", code, out, errs)
	}
}
