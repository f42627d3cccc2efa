package kirjaamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// ContactEvents moves a contact's retention triggers: the end of the
// contact, the customer's last activity (a workspace login), or closing.
type ContactEvents struct {
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	LastActivityAt *time.Time `json:"last_activity_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
}

// UpdateContactEvents records trigger events and recomputes the contact's
// retention; an extension or a hold carries over.
func (s *Service) UpdateContactEvents(ctx context.Context, id string, e *ContactEvents) (*Contact, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "contact not found")
	}
	return s.Store.UpdateContact(ctx, id, func(c *Contact) (*AuditEvent, error) {
		reg := s.Policy.Register(c.Register)
		if reg == nil {
			return s.event(a, ActionUpdate, OutcomeDenied, c.Register, []string{c.ID}, c.SubjectIDs, ""), Errorf(EFORBIDDEN, "register %s is not in the policy", c.Register)
		}
		if ev, err := s.check(a, reg, policy.ActionWrite, ActionUpdate, []string{c.ID}, c.SubjectIDs); err != nil {
			return ev, err
		}
		if err := lifecycleEvents(reg, c, e, s.now()); err != nil {
			return nil, err
		}
		var changed []string
		for _, f := range []struct {
			name     string
			dst, src **time.Time
		}{{"ended_at", &c.EndedAt, &e.EndedAt}, {"last_activity_at", &c.LastActivityAt, &e.LastActivityAt}, {"closed_at", &c.ClosedAt, &e.ClosedAt}} {
			if *f.src != nil {
				t := (*f.src).UTC()
				*f.dst, changed = &t, append(changed, f.name)
			}
		}
		if len(changed) == 0 {
			return nil, FieldError("ended_at", "give at least one of ended_at, last_activity_at, closed_at")
		}
		c.Retention = RetentionParts(reg, contactParts(c), contactEvents(c, reg), c.Retention)
		return s.event(a, ActionUpdate, OutcomeOK, reg.ID, []string{c.ID}, c.SubjectIDs, "events: "+strings.Join(changed, ",")), nil
	})
}

// Extension is a request to keep one part of a record longer.
type Extension struct {
	Part   policy.Part `json:"part"`
	Reason string      `json:"reason"`
	Until  time.Time   `json:"until"`
}

// canManageRetention: seed 002 lets a supervisor keep a recording for a
// complaint; the DPO decides holds and extensions too.
func canManageRetention(r policy.Role) bool {
	return r == policy.RoleSupervisor || r == policy.RoleDPO
}

// ExtendRetention keeps one part of a contact until e.Until, for a reason
// the policy lists, never past the policy's cap (seed 002: recordings at
// most 12 months). Audited; the extension is shown on the record.
func (s *Service) ExtendRetention(ctx context.Context, contactID string, e *Extension) (*Contact, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(contactID) {
		return nil, Errorf(ENOTFOUND, "contact not found")
	}
	return s.Store.UpdateContact(ctx, contactID, func(c *Contact) (*AuditEvent, error) {
		ids := []string{c.ID}
		if !canManageRetention(a.User.Role) {
			return s.event(a, ActionUpdate, OutcomeDenied, c.Register, ids, c.SubjectIDs, "retention extension"),
				Errorf(EFORBIDDEN, "only a supervisor or the data protection officer may extend retention")
		}
		reg := s.Policy.Register(c.Register)
		if reg == nil {
			return nil, Errorf(EFORBIDDEN, "register %s is not in the policy", c.Register)
		}
		rule, ok := reg.Rule(e.Part)
		if !ok || rule.Extension == nil {
			return nil, FieldError("part", "the policy allows no extension of %s in register %s", e.Part, reg.ID)
		}
		if !rule.Extension.Allows(e.Reason) {
			return nil, FieldError("reason", "the policy allows extending %s only for: %s", e.Part, strings.Join(rule.Extension.Reasons, ", "))
		}
		i := slices.IndexFunc(c.Retention, func(p PartRetention) bool { return p.Part == e.Part })
		if i < 0 {
			return nil, Errorf(ENOTFOUND, "the contact has no %s", e.Part)
		}
		p := &c.Retention[i]
		if p.Start == nil || p.ExpiresAt == nil {
			return nil, Errorf(ECONFLICT, "the retention of %s has not started yet", e.Part)
		}
		capAt, _ := rule.CapAt(*p.Start)
		until := e.Until.UTC()
		if until.After(capAt) {
			return nil, &Error{Code: ECONFLICT, Field: "until", Message: fmt.Sprintf(
				"the policy caps %s at %s from %s: it can be kept until %s at the latest",
				e.Part, rule.Extension.Cap, rule.From, capAt.Format(time.DateOnly))}
		}
		if !until.After(*p.ExpiresAt) {
			return nil, FieldError("until", "%s is already kept until %s", e.Part, p.ExpiresAt.Format(time.DateOnly))
		}
		p.ExtendedUntil, p.ExtensionReason = &until, e.Reason
		c.Retention = RetentionParts(reg, contactParts(c), contactEvents(c, reg), c.Retention)
		return s.event(a, ActionUpdate, OutcomeOK, reg.ID, ids, c.SubjectIDs,
			fmt.Sprintf("retention extended: %s until %s, reason %s", e.Part, until.Format(time.DateOnly), e.Reason)), nil
	})
}

// PlaceHold puts a legal hold on a subject (and all its contacts) or on one
// record. Nothing held is deleted by the sweeper or by an erasure request.
func (s *Service) PlaceHold(ctx context.Context, h *Hold) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	target := []string{h.SubjectID + h.RecordID}
	if !canManageRetention(a.User.Role) {
		return s.refuse(ctx, s.event(a, ActionCreate, OutcomeDenied, "holds", target, nil, "legal hold"),
			Errorf(EFORBIDDEN, "only a supervisor or the data protection officer may place a legal hold"))
	}
	switch {
	case (h.SubjectID == "") == (h.RecordID == ""):
		return FieldError("subject_id", "give exactly one of subject_id and record_id")
	case h.SubjectID != "" && !ValidID(h.SubjectID):
		return &Error{Code: ENOTFOUND, Field: "subject_id", Message: "the record to hold does not exist"}
	case h.RecordID != "" && !ValidID(h.RecordID):
		return &Error{Code: ENOTFOUND, Field: "record_id", Message: "the record to hold does not exist"}
	case !slices.Contains(HoldReasons, h.Reason):
		return FieldError("reason", "reason must be one of %s", strings.Join(HoldReasons, ", "))
	case strings.TrimSpace(h.Owner) == "" || len(h.Owner) > 200:
		return FieldError("owner", "a hold needs an owner (who reviews it), at most 200 bytes")
	case h.ReviewAt.IsZero():
		return FieldError("review_at", "a hold needs a review date")
	case len(h.Note) > 1000:
		return FieldError("note", "note is longer than 1000 bytes")
	}
	now := s.now()
	h.ID, h.CreatedAt, h.CreatedBy, h.ReleasedAt, h.ReleasedBy = NewID(now), now, a.User.ID, nil, ""
	subjects := []string(nil)
	if h.SubjectID != "" {
		subjects = []string{h.SubjectID}
	}
	return s.Store.PlaceHold(ctx, h, s.event(a, ActionCreate, OutcomeOK, "holds", []string{h.ID, h.SubjectID + h.RecordID}, subjects, "legal hold: "+h.Reason))
}

// ReleaseHold releases a hold; its parts fall back under their expiry.
func (s *Service) ReleaseHold(ctx context.Context, id string) (*Hold, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !canManageRetention(a.User.Role) {
		return nil, s.refuse(ctx, s.event(a, ActionUpdate, OutcomeDenied, "holds", []string{id}, nil, "release legal hold"),
			Errorf(EFORBIDDEN, "only a supervisor or the data protection officer may release a legal hold"))
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "hold not found")
	}
	return s.Store.ReleaseHold(ctx, id, a.User.ID, s.now(), s.event(a, ActionUpdate, OutcomeOK, "holds", nil, nil, "legal hold released"))
}

// Holds lists active holds (all with all) for the roles that manage or audit them.
func (s *Service) Holds(ctx context.Context, all bool) ([]*Hold, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !canManageRetention(a.User.Role) && a.User.Role != policy.RoleAuditor {
		return nil, Errorf(EFORBIDDEN, "role %s may not list legal holds", a.User.Role)
	}
	return s.Store.Holds(ctx, all)
}

// SweeperActor is the audit actor of the retention sweeper.
const SweeperActor = "system:sweeper"

// Sweep deletes every part due now. The audit event of each batch names the
// registers, parts, rules and counts, never a record.
func (s *Service) Sweep(ctx context.Context, dryRun bool, batch int) (SweepResult, error) {
	now := s.now()
	return s.Store.Sweep(ctx, now, batch, dryRun, func(entries []DeletionLogEntry) *AuditEvent {
		var b strings.Builder
		b.WriteString("retention sweep:")
		for _, e := range entries {
			fmt.Fprintf(&b, " %s/%s %d (%s);", e.Register, e.Part, e.Count, e.Rule)
		}
		return &AuditEvent{At: now, Actor: SweeperActor, Role: "system", Action: ActionDelete, Outcome: OutcomeOK, Detail: strings.TrimSuffix(b.String(), ";")}
	})
}

// Forecast is what the sweeper will delete in the coming days.
func (s *Service) Forecast(ctx context.Context, days int) ([]ForecastRow, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role == policy.RoleAgent {
		return nil, Errorf(EFORBIDDEN, "role agent may not read the retention forecast")
	}
	if days < 0 || days > 3660 {
		return nil, FieldError("days", "days must be 0–3660")
	}
	return s.Store.Forecast(ctx, s.now().AddDate(0, 0, days))
}

// DeletionLog is the proof of deletion: counts per register, part and rule.
func (s *Service) DeletionLog(ctx context.Context, limit int) ([]DeletionLogEntry, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role == policy.RoleAgent {
		return nil, Errorf(EFORBIDDEN, "role agent may not read the deletion log")
	}
	return s.Store.DeletionLog(ctx, limit)
}

// lifecycleEvents applies a lifecycle's rules to new events: customer
// activity in a reactivatable stage reopens the record (seed 002: a closed
// workspace can be reactivated for 3 months), activity in a later stage
// cannot, and only a record in its first stage can be closed.
func lifecycleEvents(reg *policy.Register, c *Contact, e *ContactEvents, now time.Time) error {
	if reg.Lifecycle == nil {
		return nil
	}
	st := c.stage(reg, now)
	first := &reg.Lifecycle.Stages[0]
	if e.LastActivityAt != nil {
		switch {
		case st == nil || (st != first && !st.Reactivate):
			return &Error{Code: ECONFLICT, Field: "last_activity_at", Message: "the record is past the stages in which it can be reactivated"}
		case st != first:
			c.ClosedAt = nil // reactivated: back to the first stage
		}
	}
	if e.ClosedAt != nil && st != first {
		return &Error{Code: ECONFLICT, Field: "closed_at", Message: "only a record in its first stage can be closed"}
	}
	return nil
}
