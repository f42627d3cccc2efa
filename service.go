package kirjaamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Access is who is acting, for what stated purpose, in which request. It
// travels in the context from the HTTP or CLI adapter to the service.
type Access struct {
	User      *User
	Purpose   string
	RequestID string
}

type accessKey struct{}

// WithAccess returns a context carrying a.
func WithAccess(ctx context.Context, a *Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

// AccessFrom returns the Access in ctx, or nil.
func AccessFrom(ctx context.Context) *Access {
	a, _ := ctx.Value(accessKey{}).(*Access)
	return a
}

// MaxPurposeLength bounds the stated purpose kept in the audit log.
const MaxPurposeLength = 200

// CleanPurpose trims a stated purpose and checks its length and characters.
func CleanPurpose(p string) (string, error) {
	p = strings.TrimSpace(p)
	if len(p) > MaxPurposeLength {
		return "", FieldError("purpose", "purpose is longer than %d bytes", MaxPurposeLength)
	}
	if strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return "", FieldError("purpose", "purpose contains control characters")
	}
	return p, nil
}

// Service applies the policy to every access: the role × register × action
// permissions, the stated-purpose requirement and the search guard, and it
// composes the audit event the store writes with each access. The HTTP API,
// the CLI and the web UI all go through it.
type Service struct {
	Store  Store
	Policy *policy.Policy
	// BlindRef makes the short blind-index reference written in audit
	// details instead of a searched identifier.
	BlindRef func(kind, value string) string
	Now      func() time.Time
	// HashKey keys the hash operator of redaction, so the same value gives
	// the same token and minimised records stay linkable.
	HashKey []byte
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) access(ctx context.Context) (*Access, error) {
	a := AccessFrom(ctx)
	if a == nil || a.User == nil {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	return a, nil
}

func (s *Service) event(a *Access, action, outcome, register string, records, subjects []string, detail string) *AuditEvent {
	return &AuditEvent{
		At: s.now(), Actor: a.User.ID, Role: string(a.User.Role), Action: action, Outcome: outcome,
		Register: register, RecordIDs: records, SubjectIDs: subjects, Purpose: a.Purpose,
		RequestID: a.RequestID, Detail: detail,
	}
}

// check decides one access to a register. It returns nil when allowed, or
// the audit event recording the refusal and the error for the caller.
func (s *Service) check(a *Access, reg *policy.Register, pa policy.Action, action string, records, subjects []string) (*AuditEvent, error) {
	if !reg.Can(a.User.Role, pa) {
		return s.event(a, action, OutcomeDenied, reg.ID, records, subjects, ""),
			Errorf(EFORBIDDEN, "role %s may not %s register %s", a.User.Role, pa, reg.ID)
	}
	if reg.PurposeRequired(pa) && a.Purpose == "" {
		return s.event(a, action, OutcomeRefused, reg.ID, records, subjects, "no purpose stated"),
			&Error{Code: EINVALID, Field: "purpose", Message: fmt.Sprintf("the policy requires a stated purpose to %s register %s", pa, reg.ID)}
	}
	return nil, nil
}

// refuse writes the refusal event and returns err (or the audit failure:
// an access that cannot be audited is not answered).
func (s *Service) refuse(ctx context.Context, ev *AuditEvent, err error) error {
	if aerr := s.Store.AppendAudit(ctx, ev); aerr != nil {
		return aerr
	}
	return err
}

func (s *Service) subjectRegister() *policy.Register { return s.Policy.SubjectRegister() }

// CreateSubject validates and stores a new subject.
func (s *Service) CreateSubject(ctx context.Context, sub *Subject) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	reg := s.subjectRegister()
	if ev, err := s.check(a, reg, policy.ActionWrite, ActionCreate, nil, nil); err != nil {
		return s.refuse(ctx, ev, err)
	}
	if err := sub.Validate(); err != nil {
		return err
	}
	now := s.now()
	sub.ID, sub.Register, sub.CreatedAt, sub.UpdatedAt, sub.Version = NewID(now), reg.ID, now, now, 1
	sub.Retention = RetentionParts(reg, []policy.Part{policy.PartSubject}, subjectEvents(sub), nil)
	return s.Store.CreateSubject(ctx, sub, s.event(a, ActionCreate, OutcomeOK, reg.ID, []string{sub.ID}, []string{sub.ID}, ""))
}

// Subject reads one subject. Its identity code is masked unless reveal is
// set; revealing needs a stated purpose whatever the policy says, and is
// audited as its own action (seed 000 §2: no shoulder-surfing).
func (s *Service) Subject(ctx context.Context, id string, reveal bool) (*Subject, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	reg := s.subjectRegister()
	action := ActionRead
	if reveal {
		action = ActionReveal
	}
	ids := []string{id}
	if ev, err := s.check(a, reg, policy.ActionRead, action, ids, ids); err != nil {
		return nil, s.refuse(ctx, ev, err)
	}
	if reveal && a.Purpose == "" {
		return nil, s.refuse(ctx, s.event(a, action, OutcomeRefused, reg.ID, ids, ids, "no purpose stated"),
			&Error{Code: EINVALID, Field: "purpose", Message: "showing an identity code requires a stated purpose"})
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "subject not found")
	}
	sub, err := s.Store.Subject(ctx, id, func(sub *Subject) (*AuditEvent, error) {
		if sub.Restricted && !canSeeRestricted(a.User.Role) {
			return s.event(a, action, OutcomeDenied, reg.ID, ids, ids, "restricted (art. 18)"),
				Errorf(EFORBIDDEN, "the processing of this person's data is restricted (GDPR art. 18); only the data protection officer may see it")
		}
		return s.event(a, action, OutcomeOK, reg.ID, ids, ids, ""), nil
	})
	if err != nil {
		return nil, err
	}
	if !reveal {
		sub.IdentityCode = maskIfSet(sub.IdentityCode)
	}
	return sub, nil
}

func maskIfSet(code string) string {
	if code == "" {
		return ""
	}
	return MaskIdentityCode(code)
}

// SubjectPatch is a partial update: nil fields are left as they are.
type SubjectPatch struct {
	FirstName           *string     `json:"first_name"`
	LastName            *string     `json:"last_name"`
	Name                *string     `json:"name"`
	IdentityCode        *string     `json:"identity_code"`
	BusinessID          *string     `json:"business_id"`
	CustomerNumber      *string     `json:"customer_number"`
	BirthDate           *string     `json:"birth_date"`
	Emails              *[]string   `json:"emails"`
	Phones              *[]string   `json:"phones"`
	Address             **Address   `json:"address"`
	RelationshipEndedAt **time.Time `json:"relationship_ended_at"`
	LastActivityAt      **time.Time `json:"last_activity_at"`
	Lang                *string     `json:"lang"`
}

func (p *SubjectPatch) apply(sub *Subject) []string {
	var changed []string
	str := func(name string, dst *string, v *string) {
		if v != nil {
			*dst = *v
			changed = append(changed, name)
		}
	}
	str("first_name", &sub.FirstName, p.FirstName)
	str("last_name", &sub.LastName, p.LastName)
	str("name", &sub.Name, p.Name)
	str("identity_code", &sub.IdentityCode, p.IdentityCode)
	str("business_id", &sub.BusinessID, p.BusinessID)
	str("customer_number", &sub.CustomerNumber, p.CustomerNumber)
	str("lang", &sub.Lang, p.Lang)
	if p.BirthDate != nil {
		sub.BirthDate = *p.BirthDate
		changed = append(changed, "birth_date")
	} else if p.IdentityCode != nil {
		sub.BirthDate = "" // derived again from the new code
	}
	if p.Emails != nil {
		sub.Emails, changed = *p.Emails, append(changed, "emails")
	}
	if p.Phones != nil {
		sub.Phones, changed = *p.Phones, append(changed, "phones")
	}
	if p.Address != nil {
		sub.Address, changed = *p.Address, append(changed, "address")
	}
	if p.RelationshipEndedAt != nil {
		sub.RelationshipEndedAt, changed = *p.RelationshipEndedAt, append(changed, "relationship_ended_at")
	}
	if p.LastActivityAt != nil {
		sub.LastActivityAt, changed = *p.LastActivityAt, append(changed, "last_activity_at")
	}
	return changed
}

// UpdateSubject applies a patch. The audit event lists the changed fields'
// names, never their values.
func (s *Service) UpdateSubject(ctx context.Context, id string, p *SubjectPatch) (*Subject, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	reg := s.subjectRegister()
	ids := []string{id}
	if ev, err := s.check(a, reg, policy.ActionWrite, ActionUpdate, ids, ids); err != nil {
		return nil, s.refuse(ctx, ev, err)
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "subject not found")
	}
	sub, err := s.Store.UpdateSubject(ctx, id, func(sub *Subject) (*AuditEvent, error) {
		if sub.Restricted {
			return s.event(a, ActionUpdate, OutcomeDenied, reg.ID, ids, ids, "restricted (art. 18)"),
				Errorf(ECONFLICT, "the processing of this person's data is restricted (GDPR art. 18); lift the restriction first")
		}
		changed := p.apply(sub)
		if err := sub.Validate(); err != nil {
			return nil, err
		}
		sub.UpdatedAt = s.now()
		// The end of the relationship or new activity moves the clock.
		sub.Retention = RetentionParts(reg, []policy.Part{policy.PartSubject}, subjectEvents(sub), sub.Retention)
		return s.event(a, ActionUpdate, OutcomeOK, reg.ID, ids, ids, "fields: "+strings.Join(changed, ",")), nil
	})
	if err != nil {
		return nil, err
	}
	// Art. 19: recipients of the subject's data hear of a rectification.
	if changed := p.rectified(); len(changed) > 0 {
		if err := s.notifyRectification(ctx, sub.ID, changed); err != nil {
			return nil, err
		}
	}
	sub.IdentityCode = maskIfSet(sub.IdentityCode)
	return sub, nil
}

// rectified lists the personal fields a patch changes (not retention events).
func (p *SubjectPatch) rectified() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"first_name", p.FirstName != nil}, {"last_name", p.LastName != nil}, {"name", p.Name != nil}, {"identity_code", p.IdentityCode != nil},
		{"business_id", p.BusinessID != nil}, {"customer_number", p.CustomerNumber != nil}, {"birth_date", p.BirthDate != nil},
		{"emails", p.Emails != nil}, {"phones", p.Phones != nil}, {"address", p.Address != nil}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// SubjectQuery holds search criteria.
type SubjectQuery struct {
	IdentityCode   string `json:"identity_code,omitempty"`
	BusinessID     string `json:"business_id,omitempty"`
	Email          string `json:"email,omitempty"`
	Phone          string `json:"phone,omitempty"`
	CustomerNumber string `json:"customer_number,omitempty"`
	FirstName      string `json:"first_name,omitempty"`
	LastName       string `json:"last_name,omitempty"`
	Name           string `json:"name,omitempty"` // organisation name
	BirthDate      string `json:"birth_date,omitempty"`
	Address        string `json:"address,omitempty"` // street address
}

// GuardMessage is the search guard's explanation (seed 000 §4: never search
// by first name alone — it shows other customers' data by accident).
const GuardMessage = "search is too broad: give an exact identifier (identity code, business ID, e-mail, phone or customer number) " +
	"or at least two of full name (first and last name), birth date and address; a first name alone is never enough"

// Keys validates the criteria and turns them into lookup keys, applying the
// search guard. The error is EINVALID naming the field, or the guard's.
func (q *SubjectQuery) Keys() ([]SubjectKey, error) {
	var keys []SubjectKey
	exact := false
	if q.IdentityCode != "" {
		code, _, err := ParseIdentityCode(q.IdentityCode)
		if err != nil {
			return nil, err
		}
		keys, exact = append(keys, SubjectKey{KeyIdentityCode, code}), true
	}
	if q.BusinessID != "" {
		id, err := ValidBusinessID(q.BusinessID)
		if err != nil {
			return nil, err
		}
		keys, exact = append(keys, SubjectKey{KeyBusinessID, id}), true
	}
	if q.Email != "" {
		e, err := NormalizeEmail("email", q.Email)
		if err != nil {
			return nil, err
		}
		keys, exact = append(keys, SubjectKey{KeyEmail, e}), true
	}
	if q.Phone != "" {
		p, err := NormalizePhone("phone", q.Phone)
		if err != nil {
			return nil, err
		}
		keys, exact = append(keys, SubjectKey{KeyPhone, p}), true
	}
	if c := strings.TrimSpace(q.CustomerNumber); c != "" {
		keys, exact = append(keys, SubjectKey{KeyCustomerNumber, c}), true
	}
	broad := 0
	first, last, org := strings.TrimSpace(q.FirstName), strings.TrimSpace(q.LastName), strings.TrimSpace(q.Name)
	switch {
	case org != "" && (first != "" || last != ""):
		return nil, FieldError("name", "search by an organisation name or by a person's names, not both")
	case org != "":
		keys, broad = append(keys, SubjectKey{KeyFullName, normalizeText(org)}), broad+1
	case first != "" && last != "":
		keys, broad = append(keys, SubjectKey{KeyFullName, normalizeText(first + " " + last)}), broad+1
	case first != "":
		if !exact {
			return nil, &Error{Code: EINVALID, Field: "first_name", Message: GuardMessage}
		}
		return nil, FieldError("last_name", "first and last name are searched together as the full name; add the last name")
	case last != "":
		if !exact {
			return nil, &Error{Code: EINVALID, Field: "last_name", Message: GuardMessage}
		}
		return nil, FieldError("first_name", "first and last name are searched together as the full name; add the first name")
	}
	if q.BirthDate != "" {
		if _, err := time.Parse(time.DateOnly, q.BirthDate); err != nil {
			return nil, FieldError("birth_date", "birth date must be YYYY-MM-DD")
		}
		keys, broad = append(keys, SubjectKey{KeyBirthDate, q.BirthDate}), broad+1
	}
	if a := normalizeText(q.Address); a != "" {
		keys, broad = append(keys, SubjectKey{KeyAddress, a}), broad+1
	}
	if !exact && broad < 2 {
		return nil, &Error{Code: EINVALID, Message: GuardMessage}
	}
	return keys, nil
}

// criteriaDetail describes a search for the audit log by blind-index
// references only.
func (s *Service) criteriaDetail(keys []SubjectKey) string {
	refs := make([]string, len(keys))
	for i, k := range keys {
		if s.BlindRef != nil {
			refs[i] = s.BlindRef(k.Kind, k.Value)
		} else {
			refs[i] = k.Kind
		}
	}
	return "criteria: " + strings.Join(refs, ",")
}

// guardDetail names the criteria of a refused search by kind only.
func (q *SubjectQuery) guardDetail() string {
	var kinds []string
	for _, f := range []struct{ name, v string }{
		{"identity_code", q.IdentityCode}, {"business_id", q.BusinessID}, {"email", q.Email}, {"phone", q.Phone},
		{"customer_number", q.CustomerNumber}, {"first_name", q.FirstName}, {"last_name", q.LastName},
		{"name", q.Name}, {"birth_date", q.BirthDate}, {"address", q.Address},
	} {
		if strings.TrimSpace(f.v) != "" {
			kinds = append(kinds, f.name)
		}
	}
	return "refused criteria: " + strings.Join(kinds, ",")
}

// MaxSearchResults bounds one search's answer.
const MaxSearchResults = 50

// SearchSubjects finds subjects through the blind indexes after the search
// guard. Every search is audited, refused ones included.
func (s *Service) SearchSubjects(ctx context.Context, q *SubjectQuery) ([]*Subject, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	reg := s.subjectRegister()
	// Role first (403), then the search guard, then the purpose: an agent
	// who typed a first name learns what to add before anything else.
	keys, guardErr := q.Keys()
	if guardErr != nil && reg.Can(a.User.Role, policy.ActionRead) {
		return nil, s.refuse(ctx, s.event(a, ActionSearch, OutcomeRefused, reg.ID, nil, nil, q.guardDetail()), guardErr)
	}
	if ev, err := s.check(a, reg, policy.ActionRead, ActionSearch, nil, nil); err != nil {
		return nil, s.refuse(ctx, ev, err)
	}
	visible := func(sub *Subject) bool { return !sub.Restricted || canSeeRestricted(a.User.Role) }
	out, err := s.Store.FindSubjects(ctx, keys, MaxSearchResults, func(found []*Subject) (*AuditEvent, error) {
		var ids []string
		for _, f := range found {
			if visible(f) {
				ids = append(ids, f.ID)
			}
		}
		return s.event(a, ActionSearch, OutcomeOK, reg.ID, ids, ids,
			fmt.Sprintf("%s; matches: %d", s.criteriaDetail(keys), len(found))), nil
	})
	if err != nil {
		return nil, err
	}
	// Restricted subjects are left out of ordinary searches (art. 18).
	shown := out[:0]
	for _, sub := range out {
		if visible(sub) {
			sub.IdentityCode = maskIfSet(sub.IdentityCode)
			shown = append(shown, sub)
		}
	}
	return shown, nil
}

// CreateContact stores a contact in the register the policy gives its kind
// (or the one named, if that register accepts the kind).
func (s *Service) CreateContact(ctx context.Context, c *Contact) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	var reg *policy.Register
	if c.Register != "" {
		if reg = s.Policy.Register(c.Register); reg == nil || !reg.Accepts(c.Kind) {
			return FieldError("register", "no register of that id accepts contacts of kind %s", c.Kind)
		}
	} else if reg = s.Policy.RegisterFor(c.Kind); reg == nil {
		return FieldError("kind", "the policy has no register for contacts of kind %s", c.Kind)
	}
	if ev, err := s.check(a, reg, policy.ActionWrite, ActionCreate, nil, c.SubjectIDs); err != nil {
		return s.refuse(ctx, ev, err)
	}
	if c.Notice != nil {
		if c.Kind != policy.KindCall {
			return FieldError("recording_notice", "only calls have recording notices")
		}
		if err := c.Notice.Validate(); err != nil {
			return err
		}
	}
	if c.Recording != "" {
		return FieldError("recording", "upload a recording with PUT /api/v1/contacts/{id}/recording")
	}
	if err := validateChat(c); err != nil {
		return err
	}
	// A register whose only basis is consent (seed 004: chats with a
	// separate consent) stores a contact only with the consent given.
	if c.Consent != nil {
		c.Consent.ID, c.Consent.RecordedBy, c.Consent.WithdrawnAt = NewID(s.now()), a.User.ID, nil
		if c.Consent.GivenAt.IsZero() {
			c.Consent.GivenAt = s.now()
		}
		if err := c.Consent.Validate(); err != nil {
			return err
		}
	} else if consentOnly(reg) {
		return FieldError("consent", "register %s processes personal data on consent only (GDPR art. 6(1)(a)): record the consent the person gave with the contact", reg.ID)
	}
	// Storage limitation: a part the policy keeps no rule for would be
	// kept for ever, so it is not stored at all.
	for _, part := range contactParts(c) {
		if _, ok := reg.Rule(part); !ok {
			field := string(part)
			return FieldError(field, "the policy sets no retention for %s in register %s, so it cannot be stored", part, reg.ID)
		}
	}
	// Minimise free text on the way in (the register's redaction rules),
	// and index what it mentions before the identifiers are removed.
	if c.Content != nil {
		text, flags, mentions, err := s.minimize(reg, *c.Content)
		if err != nil {
			return err
		}
		c.Content, c.Mentions = &text, mentions
		c.Flags.Merge(flags)
	}
	for i := range c.Messages {
		m := &c.Messages[i]
		text, flags, mentions, err := s.minimize(reg, m.Text)
		if err != nil {
			return err
		}
		m.Text, m.At = text, m.At.UTC()
		c.Flags.Merge(flags)
		for _, k := range mentions {
			if !slices.Contains(c.Mentions, k) {
				c.Mentions = append(c.Mentions, k)
			}
		}
	}
	if c.Title != "" {
		title, flags, mentions, err := s.minimize(reg, c.Title)
		if err != nil {
			return err
		}
		c.Title = title
		c.Flags.Merge(flags)
		for _, m := range mentions {
			if !slices.Contains(c.Mentions, m) {
				c.Mentions = append(c.Mentions, m)
			}
		}
	}
	now := s.now()
	for _, at := range c.Attachments {
		at.CreatedAt = now
		c.Flags.Merge(at.Flags)
		c.Mentions = mergeKeys(c.Mentions, at.Mentions)
	}
	if c.Statistics != nil {
		if err := s.prepareStatistics(c.Statistics, c.Kind, now); err != nil {
			return err
		}
		c.StatisticsParts = s.statisticsParts(c.Statistics)
	}
	c.ID, c.Register, c.CreatedAt, c.CreatedBy = NewID(now), reg.ID, now, a.User.ID
	for _, at := range c.Attachments {
		at.ContactID = c.ID
	}
	if c.SubjectIDs == nil {
		c.SubjectIDs = []string{}
	}
	c.Retention = RetentionParts(reg, contactParts(c), contactEvents(c, reg), nil)
	return s.Store.CreateContact(ctx, c, s.event(a, ActionCreate, OutcomeOK, reg.ID, []string{c.ID}, c.SubjectIDs, "kind: "+string(c.Kind)))
}

// Contact reads one contact if the role may read its register.
func (s *Service) Contact(ctx context.Context, id string) (*Contact, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "contact not found")
	}
	return s.Store.Contact(ctx, id, func(c *Contact) (*AuditEvent, error) {
		reg := s.Policy.Register(c.Register)
		if reg == nil {
			// A register removed from the policy: nobody may read its records.
			return s.event(a, ActionRead, OutcomeDenied, c.Register, []string{c.ID}, c.SubjectIDs, "register not in policy"),
				Errorf(EFORBIDDEN, "register %s is not in the policy", c.Register)
		}
		if ev, err := s.check(a, reg, policy.ActionRead, ActionRead, []string{c.ID}, c.SubjectIDs); err != nil {
			return ev, err
		}
		if !c.visibleTo(reg, a.User.Role, s.now()) {
			return s.event(a, ActionRead, OutcomeDenied, reg.ID, []string{c.ID}, c.SubjectIDs, "hidden in its lifecycle stage"),
				Errorf(EFORBIDDEN, "in its current lifecycle stage this record is not visible to role %s", a.User.Role)
		}
		return s.event(a, ActionRead, OutcomeOK, reg.ID, []string{c.ID}, c.SubjectIDs, ""), nil
	})
}

// SubjectContacts lists a subject's contacts in the registers the role may
// read (seed 000 §4: look only at registers your tasks allow).
func (s *Service) SubjectContacts(ctx context.Context, subjectID string) ([]*Contact, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	var regs []string
	needPurpose := false
	for _, r := range s.Policy.Registers {
		if r.Records == policy.RecordsContacts && r.Can(a.User.Role, policy.ActionRead) {
			regs = append(regs, r.ID)
			needPurpose = needPurpose || r.PurposeRequired(policy.ActionRead)
		}
	}
	ids := []string{subjectID}
	if len(regs) == 0 {
		return nil, s.refuse(ctx, s.event(a, ActionRead, OutcomeDenied, "", nil, ids, "no readable contact register"),
			Errorf(EFORBIDDEN, "role %s may not read any contact register", a.User.Role))
	}
	if needPurpose && a.Purpose == "" {
		return nil, s.refuse(ctx, s.event(a, ActionRead, OutcomeRefused, "", nil, ids, "no purpose stated"),
			&Error{Code: EINVALID, Field: "purpose", Message: "the policy requires a stated purpose to read these contacts"})
	}
	if !ValidID(subjectID) {
		return nil, Errorf(ENOTFOUND, "subject not found")
	}
	if restricted, err := s.Store.SubjectRestricted(ctx, subjectID); err != nil {
		return nil, err
	} else if restricted && !canSeeRestricted(a.User.Role) {
		return nil, s.refuse(ctx, s.event(a, ActionRead, OutcomeDenied, "", nil, ids, "restricted (art. 18)"),
			Errorf(EFORBIDDEN, "the processing of this person's data is restricted (GDPR art. 18); only the data protection officer may see it"))
	}
	now := s.now()
	visible := func(c *Contact) bool {
		reg := s.Policy.Register(c.Register)
		return reg != nil && c.visibleTo(reg, a.User.Role, now)
	}
	cs, err := s.Store.SubjectContacts(ctx, subjectID, regs, func(cs []*Contact) (*AuditEvent, error) {
		var recs []string
		for _, c := range cs {
			if visible(c) {
				recs = append(recs, c.ID)
			}
		}
		return s.event(a, ActionRead, OutcomeOK, "", recs, ids, fmt.Sprintf("contacts of subject; registers: %s", strings.Join(regs, ","))), nil
	})
	if err != nil {
		return nil, err
	}
	// Records hidden in their lifecycle stage are left out (and were not
	// in the audit event: they were not shown).
	out := cs[:0]
	for _, c := range cs {
		if visible(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// AuditEvents lists audit events; only auditors and the DPO may.
func (s *Service) AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleAuditor && a.User.Role != policy.RoleDPO {
		return nil, s.refuse(ctx, s.event(a, ActionRead, OutcomeDenied, "audit", nil, nil, "audit log"),
			Errorf(EFORBIDDEN, "only the auditor and the data protection officer may read the audit log"))
	}
	var subjects []string
	if f.SubjectID != "" {
		subjects = []string{f.SubjectID}
	}
	return s.Store.AuditEvents(ctx, f, s.event(a, ActionRead, OutcomeOK, "audit", nil, subjects, "audit log"))
}

// VerifyAudit walks the whole audit chain. It returns the number of events
// and a *ChainError naming the first bad event.
func VerifyAudit(ctx context.Context, st Store, key []byte) (int64, error) {
	head, events, err := st.AuditChain(ctx)
	if err != nil {
		return 0, err
	}
	return VerifyChain(key, head, events)
}
