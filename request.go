package kirjaamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Data-subject request types: GDPR arts. 15–21 and seed 001's bans.
var RequestTypes = []string{"access", "rectification", "erasure", "restriction", "portability", "objection", "directory_ban", "marketing_ban"}

// Request states, in order.
const (
	StateReceived   = "received"
	StateVerified   = "identity_verified"
	StateInProgress = "in_progress"
	StateDecided    = "decided"
	StateClosed     = "closed"
)

// Decisions.
var Decisions = []string{"fulfilled", "partly_fulfilled", "refused"}

// Identity verification methods (seeds 000 §1, 002, 004).
var VerificationMethods = []string{"strong_electronic_identification", "id_document_in_person", "signed_letter", "callback_known_number"}

// Request is a data-subject request, answered within one month of receipt
// (calendar months: received 31 January, due 28/29 February), extendable by
// up to two further months with a recorded reason (GDPR art. 12(3)).
type Request struct {
	ID              string        `json:"id"`
	Type            string        `json:"type"`
	SubjectID       string        `json:"subject_id,omitempty"`
	Channel         string        `json:"channel"`
	ReceivedAt      time.Time     `json:"received_at"`
	DueAt           time.Time     `json:"due_at"`
	ExtendedMonths  int           `json:"extended_months"`
	ExtensionReason string        `json:"extension_reason,omitempty"`
	Assignee        string        `json:"assignee,omitempty"`
	State           string        `json:"state"`
	Decision        string        `json:"decision,omitempty"`
	DecisionReason  string        `json:"decision_reason,omitempty"`
	Verification    *Verification `json:"verification,omitempty"`
	CreatedBy       string        `json:"created_by"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// Verification records how the requester's identity was verified.
type Verification struct {
	Method     string    `json:"method"`
	VerifiedBy string    `json:"verified_by"`
	VerifiedAt time.Time `json:"verified_at"`
	Note       string    `json:"note,omitempty"`
}

// RequestDeadline is one calendar month from receipt plus any extension.
func RequestDeadline(received time.Time, extendedMonths int) time.Time {
	return policy.Duration{Months: 1 + extendedMonths}.AddTo(received)
}

// Overdue reports whether the request is past its deadline and not decided.
func (r *Request) Overdue(now time.Time) bool {
	return (r.State != StateDecided && r.State != StateClosed) && now.After(r.DueAt)
}

// RequestStore keeps data-subject requests.
type RequestStore interface {
	CreateRequest(ctx context.Context, r *Request, ev *AuditEvent) error
	// UpdateRequest loads a request, lets update change it and produce the
	// audit event, and stores it. ENOTFOUND.
	UpdateRequest(ctx context.Context, id string, update func(*Request) (*AuditEvent, error)) (*Request, error)
	// Requests lists requests, open ones first by deadline.
	Requests(ctx context.Context, open bool) ([]*Request, error)
	// Request loads one request (no personal data: ids, dates, states). ENOTFOUND.
	Request(ctx context.Context, id string) (*Request, error)
}

func (s *Service) requireDPO(ctx context.Context) (*Access, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleDPO {
		return nil, Errorf(EFORBIDDEN, "data-subject requests are handled by the data protection officer")
	}
	return a, nil
}

// CreateRequest registers a request on receipt.
func (s *Service) CreateRequest(ctx context.Context, r *Request) error {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return err
	}
	switch {
	case !slices.Contains(RequestTypes, r.Type):
		return FieldError("type", "type must be one of %s", strings.Join(RequestTypes, ", "))
	case r.Channel == "" || len(r.Channel) > 50:
		return FieldError("channel", "channel (letter, e-mail, in person, phone, web form) is required")
	case r.SubjectID != "" && !ValidID(r.SubjectID):
		return &Error{Code: ENOTFOUND, Field: "subject_id", Message: "subject not found"}
	}
	now := s.now()
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = now
	}
	r.ReceivedAt = r.ReceivedAt.UTC()
	r.ID, r.State, r.CreatedBy, r.UpdatedAt = NewID(now), StateReceived, a.User.ID, now
	r.ExtendedMonths, r.ExtensionReason, r.Decision, r.DecisionReason, r.Verification = 0, "", "", "", nil
	r.DueAt = RequestDeadline(r.ReceivedAt, 0)
	return s.Store.CreateRequest(ctx, r, s.event(a, ActionCreate, OutcomeOK, "requests", []string{r.ID}, nonEmptyIDs(r.SubjectID), "data-subject request: "+r.Type))
}

func nonEmptyIDs(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

// RequestChange is one step of a request: verify identity, extend the
// deadline, assign, start, decide or close.
type RequestChange struct {
	Verify          *Verification `json:"verify,omitempty"`
	ExtendMonths    int           `json:"extend_months,omitempty"`
	ExtensionReason string        `json:"extension_reason,omitempty"`
	Assignee        string        `json:"assignee,omitempty"`
	Start           bool          `json:"start,omitempty"`
	Decision        string        `json:"decision,omitempty"`
	DecisionReason  string        `json:"decision_reason,omitempty"`
	Close           bool          `json:"close,omitempty"`
	SubjectID       string        `json:"subject_id,omitempty"`
}

// ChangeRequest applies one change, enforcing the order of states: nothing
// is started, disclosed or decided before the identity is verified.
func (s *Service) ChangeRequest(ctx context.Context, id string, ch *RequestChange) (*Request, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "request not found")
	}
	now := s.now()
	return s.Store.UpdateRequest(ctx, id, func(r *Request) (*AuditEvent, error) {
		var what []string
		if ch.SubjectID != "" {
			if !ValidID(ch.SubjectID) {
				return nil, &Error{Code: ENOTFOUND, Field: "subject_id", Message: "subject not found"}
			}
			r.SubjectID, what = ch.SubjectID, append(what, "subject linked")
		}
		if v := ch.Verify; v != nil {
			if !slices.Contains(VerificationMethods, v.Method) {
				return nil, FieldError("verify.method", "method must be one of %s", strings.Join(VerificationMethods, ", "))
			}
			if r.State != StateReceived {
				return nil, Errorf(ECONFLICT, "the identity is verified once, on receipt")
			}
			r.Verification = &Verification{Method: v.Method, VerifiedBy: a.User.ID, VerifiedAt: now, Note: v.Note}
			r.State, what = StateVerified, append(what, "identity verified: "+v.Method)
		}
		if ch.ExtendMonths != 0 {
			if ch.ExtendMonths < 0 || r.ExtendedMonths+ch.ExtendMonths > 2 {
				return nil, FieldError("extend_months", "the deadline can be extended by at most two further months in all (GDPR art. 12(3))")
			}
			if strings.TrimSpace(ch.ExtensionReason) == "" {
				return nil, FieldError("extension_reason", "an extension needs its reason, which the requester is told (GDPR art. 12(3))")
			}
			r.ExtendedMonths += ch.ExtendMonths
			r.ExtensionReason = ch.ExtensionReason
			r.DueAt = RequestDeadline(r.ReceivedAt, r.ExtendedMonths)
			what = append(what, fmt.Sprintf("deadline extended by %d months", ch.ExtendMonths))
		}
		if ch.Assignee != "" {
			r.Assignee, what = ch.Assignee, append(what, "assigned")
		}
		needVerified := func() error {
			if r.Verification == nil {
				return Errorf(ECONFLICT, "the requester's identity must be verified first (seed 000 §1: nothing is disclosed before it)")
			}
			return nil
		}
		if ch.Start {
			if err := needVerified(); err != nil {
				return nil, err
			}
			r.State, what = StateInProgress, append(what, "started")
		}
		if ch.Decision != "" {
			if err := needVerified(); err != nil {
				return nil, err
			}
			if !slices.Contains(Decisions, ch.Decision) {
				return nil, FieldError("decision", "decision must be fulfilled, partly_fulfilled or refused")
			}
			if ch.Decision != "fulfilled" && strings.TrimSpace(ch.DecisionReason) == "" {
				return nil, FieldError("decision_reason", "a refusal states its reasons in writing (seeds 001, 002)")
			}
			r.State, r.Decision, r.DecisionReason = StateDecided, ch.Decision, ch.DecisionReason
			what = append(what, "decided: "+ch.Decision)
		}
		if ch.Close {
			if r.State != StateDecided {
				return nil, Errorf(ECONFLICT, "only a decided request can be closed")
			}
			r.State, what = StateClosed, append(what, "closed")
		}
		if len(what) == 0 {
			return nil, Errorf(EINVALID, "nothing to change")
		}
		r.UpdatedAt = now
		return s.event(a, ActionUpdate, OutcomeOK, "requests", []string{r.ID}, nonEmptyIDs(r.SubjectID), strings.Join(what, "; ")), nil
	})
}

// Requests lists requests for the DPO, overdue and near-due first.
func (s *Service) Requests(ctx context.Context, open bool) ([]*Request, error) {
	if _, err := s.requireDPO(ctx); err != nil {
		return nil, err
	}
	return s.Store.Requests(ctx, open)
}

// Discovery is everything held on a subject across every register.
type Discovery struct {
	Subject  *Subject   `json:"subject"`
	Contacts []*Contact `json:"contacts"`
	// Mentions are contacts that mention the subject's identifiers in free
	// text without being linked to the subject.
	Mentions []*Contact `json:"mentions"`
	Consents []*Consent `json:"consents"`
	Holds    []*Hold    `json:"holds"`
	// Disclosures of the subject's data to third parties (art. 15(1)(c):
	// the recipients).
	Disclosures []*Disclosure `json:"disclosures"`
	// Incidents (personal-data breaches) the subject is recorded as
	// affected by.
	Incidents []*Incident `json:"incidents"`
	// Attachments of the contacts and mentions above, stored or not.
	Attachments []*Attachment `json:"attachments"`
}

// Discover collects a request's subject's data across every register,
// through the blind and mentions indexes, once the identity is verified.
// Every read is audited with the request as its purpose.
func (s *Service) Discover(ctx context.Context, requestID string) (*Discovery, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(requestID) {
		return nil, Errorf(ENOTFOUND, "request not found")
	}
	req, err := s.Store.Request(ctx, requestID)
	if err != nil {
		return nil, err
	}
	switch {
	case req.Verification == nil:
		return nil, Errorf(ECONFLICT, "the requester's identity must be verified first (seed 000 §1: nothing is disclosed before it)")
	case req.SubjectID == "":
		return nil, FieldError("subject_id", "link the request to the subject it is about first")
	}
	acc := *a
	acc.Purpose = "data-subject request " + req.ID
	ctx = WithAccess(ctx, &acc)
	d := &Discovery{}
	if d.Subject, err = s.Subject(ctx, req.SubjectID, true); err != nil {
		return nil, err
	}
	if d.Contacts, err = s.SubjectContacts(ctx, req.SubjectID); err != nil && ErrorCode(err) != EFORBIDDEN {
		return nil, err
	}
	var keys []SubjectKey
	for _, k := range d.Subject.Keys() {
		if k.Kind == KeyIdentityCode || k.Kind == KeyEmail || k.Kind == KeyPhone {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		linked := map[string]bool{}
		for _, c := range d.Contacts {
			linked[c.ID] = true
		}
		found, err := s.Store.FindMentions(ctx, keys, func(cs []*Contact) (*AuditEvent, error) {
			ids := make([]string, len(cs))
			for i, c := range cs {
				ids[i] = c.ID
			}
			return s.event(&acc, ActionSearch, OutcomeOK, "mentions", ids, []string{req.SubjectID}, "discovery: mentions of the subject's identifiers"), nil
		})
		if err != nil {
			return nil, err
		}
		for _, c := range found {
			if !linked[c.ID] {
				d.Mentions = append(d.Mentions, c)
			}
		}
	}
	d.Attachments = []*Attachment{}
	for _, c := range append(append([]*Contact(nil), d.Contacts...), d.Mentions...) {
		if !slices.ContainsFunc(c.Retention, func(p PartRetention) bool { return p.Part == policy.PartAttachment }) {
			continue
		}
		as, err := s.Attachments(ctx, c.ID)
		if err != nil && ErrorCode(err) != EFORBIDDEN {
			return nil, err
		}
		d.Attachments = append(d.Attachments, as...)
	}
	if d.Consents, err = s.Consents(ctx, req.SubjectID); err != nil {
		return nil, err
	}
	// The subject's own holds through their index: listing every hold and
	// filtering missed holds beyond the list's first 1,000 and grew with
	// the hold register.
	if d.Holds, err = s.Store.SubjectHolds(ctx, req.SubjectID); err != nil {
		return nil, err
	}
	if d.Disclosures, err = s.Store.Disclosures(ctx, req.SubjectID); err != nil {
		return nil, err
	}
	if d.Incidents, err = s.Store.SubjectIncidents(ctx, req.SubjectID); err != nil {
		return nil, err
	}
	return d, nil
}
