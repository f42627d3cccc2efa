package kirjaamo

import (
	"slices"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// PartRetention is the retention state of one stored part of a record: when
// its clock started, when it expires, whether it was extended and whether a
// legal hold keeps it. It is returned with the record, so anyone who may
// read the record sees how long it will be kept and why.
type PartRetention struct {
	Part policy.Part `json:"part"`
	// Start is the time of the rule's triggering event; nil while the event
	// has not happened (e.g. the customer relationship has not ended), and
	// then ExpiresAt is nil too: the part is kept until the event.
	Start     *time.Time `json:"start,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Rule is the policy rule in words for the deletion log ("6m from created").
	Rule string `json:"rule"`
	// ExtendedUntil and ExtensionReason are set when a supervisor extended
	// this part (seed 002: a recording kept for a complaint).
	ExtendedUntil   *time.Time `json:"extended_until,omitempty"`
	ExtensionReason string     `json:"extension_reason,omitempty"`
	// Held counts the active legal holds that keep the part.
	Held int `json:"held"`
}

// Due reports whether the part is to be deleted at now.
func (p *PartRetention) Due(now time.Time) bool {
	return p.Held == 0 && p.ExpiresAt != nil && !now.Before(*p.ExpiresAt)
}

func ruleText(r policy.RetentionRule) string { return r.Keep.String() + " from " + string(r.From) }

// partFor computes one part's retention from its rule and the record's
// events. A previous state carries an extension over, unless the recomputed
// expiry already reaches past it.
func partFor(rule policy.RetentionRule, events map[policy.Event]*time.Time, prev *PartRetention) PartRetention {
	p := PartRetention{Part: rule.Part, Rule: ruleText(rule)}
	if start := events[rule.From]; start != nil {
		s := start.UTC()
		exp := rule.ExpiresAt(s)
		p.Start, p.ExpiresAt = &s, &exp
	}
	if prev != nil {
		p.Held = prev.Held
		if prev.ExtendedUntil != nil && (p.ExpiresAt == nil || prev.ExtendedUntil.After(*p.ExpiresAt)) {
			u := *prev.ExtendedUntil
			p.ExtendedUntil, p.ExtensionReason = &u, prev.ExtensionReason
			if p.ExpiresAt != nil {
				p.ExpiresAt = &u
			}
		}
	}
	return p
}

// RetentionParts computes the retention of every part a record has, from
// its register's rules and the times of the events they run from. The
// record's main part (a subject, or a contact's metadata) lives at least as
// long as every other part, because deleting it deletes the record: an
// extended recording is never cut short by its call's metadata expiring.
// Parts without a rule are not listed (the policy check refuses storing a
// part the policy does not retain).
func RetentionParts(reg *policy.Register, present []policy.Part, events map[policy.Event]*time.Time, prev []PartRetention) []PartRetention {
	old := map[policy.Part]*PartRetention{}
	for i := range prev {
		old[prev[i].Part] = &prev[i]
	}
	var out []PartRetention
	main := -1
	for _, part := range present {
		rule, ok := reg.Rule(part)
		if !ok {
			continue
		}
		p := partFor(rule, events, old[part])
		if part == policy.PartSubject || part == policy.PartMetadata || part == policy.PartStatistics {
			main = len(out)
		}
		out = append(out, p)
	}
	if main >= 0 {
		m := &out[main]
		for _, p := range out {
			switch {
			case p.ExpiresAt == nil:
				// A part still waiting for its event keeps the record.
				if m.ExpiresAt != nil && p.Part != m.Part {
					m.ExpiresAt = nil
				}
			case m.ExpiresAt != nil && p.ExpiresAt.After(*m.ExpiresAt):
				t := *p.ExpiresAt
				m.ExpiresAt = &t
			}
		}
	}
	return out
}

// subjectEvents are the retention triggers of a subject.
func subjectEvents(s *Subject) map[policy.Event]*time.Time {
	created := s.CreatedAt
	return map[policy.Event]*time.Time{
		policy.EventCreated:         &created,
		policy.EventRelationshipEnd: s.RelationshipEndedAt,
		policy.EventLastActivity:    firstSet(s.LastActivityAt, s.RelationshipEndedAt, &created),
	}
}

// contactEvents are the retention triggers of a contact. A contact with no
// recorded end ends when it started, or when it was stored: a rule running
// from the end of contact must not keep an unfinished record for ever.
//
// In a register with a lifecycle, closed is the end of the first stage:
// staff closing it or inactivity after the last activity, whichever first.
func contactEvents(c *Contact, reg *policy.Register) map[policy.Event]*time.Time {
	created := c.CreatedAt
	end := firstSet(c.EndedAt, c.StartedAt, &created)
	closed := c.ClosedAt
	if reg.Lifecycle != nil {
		t := reg.Lifecycle.FirstStageEnd(*firstSet(c.LastActivityAt, &created), c.ClosedAt)
		closed = &t
	}
	return map[policy.Event]*time.Time{
		policy.EventCreated:      &created,
		policy.EventContactEnd:   end,
		policy.EventLastActivity: firstSet(c.LastActivityAt, end),
		policy.EventClosed:       closed,
	}
}

// Stage returns the lifecycle stage of a contact at now (nil when its
// register has no lifecycle, or the contact is past its last stage).
func (c *Contact) stage(reg *policy.Register, now time.Time) *policy.Stage {
	if reg.Lifecycle == nil {
		return nil
	}
	created := c.CreatedAt
	st, _ := reg.Lifecycle.StageAt(*firstSet(c.LastActivityAt, &created), c.ClosedAt, now)
	return st
}

// visibleTo reports whether role sees the contact at now: always without a
// lifecycle, else as its current stage says (seed 002: archived workspaces
// are hidden from staff).
func (c *Contact) visibleTo(reg *policy.Register, role policy.Role, now time.Time) bool {
	if reg.Lifecycle == nil {
		return true
	}
	st := c.stage(reg, now)
	return st != nil && st.Visible(string(role))
}

func firstSet(ts ...*time.Time) *time.Time {
	for _, t := range ts {
		if t != nil {
			return t
		}
	}
	return nil
}

// contactParts lists the parts a contact holds.
func contactParts(c *Contact) []policy.Part {
	parts := []policy.Part{policy.PartMetadata}
	if c.Content != nil || len(c.Messages) > 0 {
		parts = append(parts, policy.PartContent)
	}
	if c.Visitor != nil {
		parts = append(parts, policy.PartVisitorMetadata)
	}
	if c.Recording != "" {
		parts = append(parts, policy.PartRecording)
	}
	// A stored contact's attachments are not loaded with it: the part's
	// retention row says it has them (the sweeper removes the row with them).
	if len(c.Attachments) > 0 || slices.ContainsFunc(c.Retention, func(p PartRetention) bool { return p.Part == policy.PartAttachment }) {
		parts = append(parts, policy.PartAttachment)
	}
	return parts
}

// Hold reasons (seeds 001, 002): what may keep data past its retention and
// past an erasure request.
var HoldReasons = []string{"open_invoice", "debt_collection", "legal_claim", "statutory_task", "authority_request"}

// Hold is a legal hold on a subject (with all its contacts) or on one record.
type Hold struct {
	ID         string     `json:"id"`
	SubjectID  string     `json:"subject_id,omitempty"`
	RecordID   string     `json:"record_id,omitempty"`
	Reason     string     `json:"reason"`
	Owner      string     `json:"owner"`
	ReviewAt   time.Time  `json:"review_at"`
	Note       string     `json:"note,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
	ReleasedBy string     `json:"released_by,omitempty"`
}

// DeletionLogEntry proves a sweep: how many parts of which register were
// deleted under which rule, and the window their expiry times fell in. It
// holds no personal data and no record ids.
type DeletionLogEntry struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	Register   string    `json:"register"`
	Part       string    `json:"part"`
	Rule       string    `json:"rule"`
	Count      int       `json:"count"`
	FirstDueAt time.Time `json:"first_due_at"`
	LastDueAt  time.Time `json:"last_due_at"`
	AuditSeq   int64     `json:"audit_seq"`
}

// SweepResult sums up a sweep.
type SweepResult struct {
	Deleted int                `json:"deleted"`
	Batches int                `json:"batches"`
	Log     []DeletionLogEntry `json:"log"`
}

// ForecastRow is what will be deleted in a window, per register and part,
// and what is kept past it by holds or extensions.
type ForecastRow struct {
	Register string `json:"register"`
	Part     string `json:"part"`
	Due      int    `json:"due"`
	Held     int    `json:"held"`
	Extended int    `json:"extended"`
}
