package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

// seedDemo fills a fresh demo database: one user per role with a random
// password and a token, and n synthetic subjects with contacts in every
// contact register. Everything goes through the service, so the demo's
// audit log is real too.
func seedDemo(ctx context.Context, svc *kirjaamo.Service, db *sqlstore.DB, n int, base string, out io.Writer) error {
	now := time.Now().UTC()
	type cred struct{ user, password, token string }
	creds := map[policy.Role]cred{}
	users := map[policy.Role]*kirjaamo.User{}
	for _, role := range policy.Roles() {
		var b [12]byte
		rand.Read(b[:])
		password := base64.RawURLEncoding.EncodeToString(b[:])
		hash, err := kirjaamo.HashPassword(password)
		if err != nil {
			return err
		}
		u := &kirjaamo.User{ID: kirjaamo.NewID(now), Username: "demo." + string(role), Role: role, PasswordHash: hash, CreatedAt: now}
		if err := db.CreateUser(ctx, u); err != nil {
			return err
		}
		secret, tok := kirjaamo.NewToken(u.ID, now, 0)
		if err := db.CreateToken(ctx, tok); err != nil {
			return err
		}
		creds[role], users[role] = cred{u.Username, password, secret}, u
	}

	actx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: users[policy.RoleAgent], Purpose: "demo data", RequestID: "demo"})
	g := synth.New(uint64(now.UnixNano()))
	var kinds []policy.ContactKind
	for _, r := range svc.Policy.Registers {
		if r.Records == policy.RecordsContacts && r.Can(policy.RoleAgent, policy.ActionWrite) {
			kinds = append(kinds, r.Kinds...)
		}
	}
	contacts := 0
	for i := range n {
		s := g.Person()
		if i%10 == 9 {
			s = g.Organisation()
		}
		if err := svc.CreateSubject(actx, s); err != nil {
			return fmt.Errorf("demo subject: %w", err)
		}
		for j := range 1 + g.Int(3) {
			if len(kinds) == 0 {
				break
			}
			content := g.Sentence()
			started := now.Add(-time.Duration(g.Int(90*24)) * time.Hour)
			ended := started.Add(time.Duration(1+g.Int(30)) * time.Minute)
			c := &kirjaamo.Contact{Kind: kinds[(i+j)%len(kinds)], SubjectIDs: []string{s.ID}, Direction: "inbound",
				StartedAt: &started, EndedAt: &ended, Content: &content}
			if err := svc.CreateContact(actx, c); err != nil {
				return fmt.Errorf("demo contact: %w", err)
			}
			contacts++
		}
	}
	fmt.Fprintf(out, "Kirjaamo demo: %d synthetic subjects and %d contacts under policy %s\n", n, contacts, svc.Policy.File)
	fmt.Fprintf(out, "Address:     %s\n", base)
	fmt.Fprintf(out, "Web:         %s/login (sign in with a username and password below)\n", base)
	fmt.Fprintf(out, "Admin token: %s\n\n", creds[policy.RoleAdmin].token)
	fmt.Fprintln(out, "Users (username / password / API token) — the admin manages, it cannot read personal data:")
	for _, role := range policy.Roles() {
		c := creds[role]
		fmt.Fprintf(out, "  %-10s %-16s %s  %s\n", role, c.user, c.password, c.token)
	}
	fmt.Fprintf(out, "\nTry: curl -s -H 'Authorization: Bearer %s' -H 'X-Purpose: demo' %s/api/v1/audit?limit=3\n\n", creds[policy.RoleAuditor].token, base)
	return nil
}
