// Package policy reads and validates the organisation's policy file: the
// YAML document that names the controller, the data protection officer and
// each register, and from which retention, permissions and (later) the
// privacy notice are derived.
//
// The package is pure logic. It imports nothing from the rest of Kirjaamo so
// that every other package (the core, the retention engine, the notice
// renderer) can depend on it. The file format is described in docs/policy.md.
package policy

import (
	"slices"
	"sort"
	"time"
)

// Role is what a named user is allowed to be. Permissions per register come
// from the policy's access table.
type Role string

const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleDPO        Role = "dpo"
	RoleAdmin      Role = "admin"
	RoleAuditor    Role = "auditor"
)

// Roles returns the five roles, in a fixed order.
func Roles() []Role {
	return []Role{RoleAgent, RoleSupervisor, RoleDPO, RoleAdmin, RoleAuditor}
}

// ValidRole reports whether r is one of Roles().
func ValidRole(r Role) bool { return slices.Contains(Roles(), r) }

// Action is something a role may do in a register.
type Action string

const (
	ActionRead   Action = "read"
	ActionWrite  Action = "write"
	ActionExport Action = "export"
	// ActionRecording is playing back (or downloading) call recordings.
	// Seed 003: only people whose named tasks include handling recordings
	// may do so, so it is separate from ActionRead.
	ActionRecording Action = "recording"
)

// Actions returns every action, in a fixed order.
func Actions() []Action {
	return []Action{ActionRead, ActionWrite, ActionExport, ActionRecording}
}

// ValidAction reports whether a is one of Actions().
func ValidAction(a Action) bool { return slices.Contains(Actions(), a) }

// ContactKind is the kind of a contact record.
type ContactKind string

const (
	KindCall           ContactKind = "call"
	KindChat           ContactKind = "chat"
	KindEmail          ContactKind = "email"
	KindContactRequest ContactKind = "contact_request"
	KindWorkspace      ContactKind = "counselling_workspace"
	KindNote           ContactKind = "note"
)

// Kinds returns every contact kind, in a fixed order.
func Kinds() []ContactKind {
	return []ContactKind{KindCall, KindChat, KindEmail, KindContactRequest, KindWorkspace, KindNote}
}

// ValidKind reports whether k is one of Kinds().
func ValidKind(k ContactKind) bool { return slices.Contains(Kinds(), k) }

// Records says what a register holds.
type Records string

const (
	RecordsSubjects   Records = "subjects"   // persons and organisations (the customer register)
	RecordsContacts   Records = "contacts"   // calls, chats, e-mails, … of the register's kinds
	RecordsStatistics Records = "statistics" // rows that describe contacts without identifying anyone
)

// RecordsTypes returns the three register types, in a fixed order.
func RecordsTypes() []Records {
	return []Records{RecordsSubjects, RecordsContacts, RecordsStatistics}
}

// Part is a separately retained part of a record: call metadata may outlive
// the call's recording (seed 004: 2 years against 3 months).
type Part string

const (
	PartSubject         Part = "subject"          // the subject record with its identifiers and contact details
	PartMetadata        Part = "metadata"         // who, when, which channel: the contact itself
	PartContent         Part = "content"          // transcript, e-mail body, note text, workspace content
	PartRecording       Part = "recording"        // the audio of a call
	PartVisitorMetadata Part = "visitor_metadata" // browser, device, pages, location of a chat visitor (seed 004)
	PartAttachment      Part = "attachment"       // files attached to a contact
	PartStatistics      Part = "statistics"       // a statistics row
)

// Parts returns every part, in a fixed order.
func Parts() []Part {
	return []Part{PartSubject, PartMetadata, PartContent, PartRecording, PartVisitorMetadata, PartAttachment, PartStatistics}
}

// PartsFor returns the parts that mean something in a register holding rs,
// or nil for an unknown rs.
func PartsFor(rs Records) []Part {
	switch rs {
	case RecordsSubjects:
		return []Part{PartSubject}
	case RecordsContacts:
		return []Part{PartMetadata, PartContent, PartRecording, PartVisitorMetadata, PartAttachment}
	case RecordsStatistics:
		return []Part{PartStatistics}
	}
	return nil
}

// RequiredPart is the part every record of a register of type rs has, and
// which therefore must have a retention rule: without one it would be kept
// for ever.
func RequiredPart(rs Records) (Part, bool) {
	switch rs {
	case RecordsSubjects:
		return PartSubject, true
	case RecordsContacts:
		return PartMetadata, true
	case RecordsStatistics:
		return PartStatistics, true
	}
	return "", false
}

// Event is what a retention period runs from.
type Event string

const (
	EventCreated         Event = "created"          // the record was stored
	EventContactEnd      Event = "contact_end"      // the call hung up, the chat ended, the e-mail arrived
	EventRelationshipEnd Event = "relationship_end" // the customer relationship ended (seed 001)
	EventLastActivity    Event = "last_activity"    // the latest contact of a subject; the latest customer login to a workspace
	EventClosed          Event = "closed"           // staff or the system closed the record (a workspace, a case)
)

// Events returns every event, in a fixed order.
func Events() []Event {
	return []Event{EventCreated, EventContactEnd, EventRelationshipEnd, EventLastActivity, EventClosed}
}

// Erasure exceptions: grounds on which an erasure request (GDPR art. 17)
// does not remove a record. Legal holds (issue 5) use the same words.
const (
	ErasureStatutoryTask    = "statutory_task"    // art. 17(3)(b): needed for a task laid down by law (seed 002)
	ErasureOpenInvoice      = "open_invoice"      // seed 001: open invoices prevent erasure
	ErasureDebtCollection   = "debt_collection"   // seed 001: debt collection prevents erasure
	ErasureLegalClaim       = "legal_claim"       // art. 17(3)(e): establishment, exercise or defence of legal claims
	ErasureContactPerson    = "contact_person"    // seed 001: data of a company's contact person is kept while they act as such
	ErasureAuthorityRequest = "authority_request" // an authority has asked for the data to be kept
)

// ErasureExceptions returns the known erasure exceptions, in a fixed order.
func ErasureExceptions() []string {
	return []string{ErasureStatutoryTask, ErasureOpenInvoice, ErasureDebtCollection, ErasureLegalClaim, ErasureContactPerson, ErasureAuthorityRequest}
}

// GDPRPoints returns the legal bases of GDPR art. 6(1), as written in a
// policy file.
func GDPRPoints() []string {
	return []string{"6(1)(a)", "6(1)(b)", "6(1)(c)", "6(1)(d)", "6(1)(e)", "6(1)(f)"}
}

// Text is a text in several languages: language code ("fi", "sv", "en") to
// text. In YAML it is either a plain string, which is Finnish, or a mapping
// {fi: …, sv: …, en: …}.
type Text map[string]string

// Languages returns the languages a Text may hold, Finnish first.
func Languages() []string { return []string{"fi", "sv", "en"} }

// In returns the text in lang, falling back to Finnish, then English, then
// any language (the alphabetically first), then "".
func (t Text) In(lang string) string {
	for _, l := range []string{lang, "fi", "en"} {
		if s, ok := t[l]; ok && s != "" {
			return s
		}
	}
	keys := make([]string, 0, len(t))
	for k, s := range t {
		if s != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	return t[keys[0]]
}

// RetentionRule says how long one part of a register's records is kept.
type RetentionRule struct {
	Part Part
	Keep Duration
	From Event
	// Extension, when set, lets a supervisor keep an individual record
	// longer for one of the listed reasons (seed 002: recordings up to 12
	// months for complaints and quality projects).
	Extension *Extension
	Line      int // source line of the rule in the policy file
}

// ExpiresAt returns when the part expires, given when the rule's start
// event (From) happened. The retention engine and the notice both use it.
func (r RetentionRule) ExpiresAt(start time.Time) time.Time { return r.Keep.AddTo(start) }

// CapAt returns the latest time to which an extension may keep the part,
// given when the start event happened; false when the rule has no extension.
func (r RetentionRule) CapAt(start time.Time) (time.Time, bool) {
	if r.Extension == nil {
		return time.Time{}, false
	}
	return r.Extension.Cap.AddTo(start), true
}

// Extension is an allowed extension of a retention rule.
type Extension struct {
	Reasons []string
	// Cap is the longest total retention, measured from the same start
	// event as the rule's Keep (not from the end of Keep).
	Cap  Duration
	Line int
}

// Allows reports whether reason is one of the extension's reasons.
func (e *Extension) Allows(reason string) bool {
	return e != nil && slices.Contains(e.Reasons, reason)
}

// Register is one register of the policy.
type Register struct {
	// Lifecycle, when set, moves the register's records through stages
	// that decide who sees them (lifecycle.go).
	Lifecycle *Lifecycle
	// Redaction: what is done to personal data found in free text.
	Redaction         Redaction
	ID                string
	Name              Text
	Records           Records
	Kinds             []ContactKind
	Purposes          []Text
	LegalBasis        LegalBasis
	DataCategories    []Text
	SubjectGroups     []Text
	Sources           []Text
	Recipients        []Text
	Transfers         Transfers
	ErasureExceptions []string
	Access            map[Action][]Role
	// RequirePurpose lists the actions for which the client must state a
	// purpose; without one the access is refused (and audited as refused).
	RequirePurpose []Action
	// RecordingNotice: a call in this register may carry a recording only
	// when a recording notice was given (seed 003).
	RecordingNotice bool
	Retention       []RetentionRule
	Line            int
}

// LegalBasis is the lawful basis of a register's processing.
type LegalBasis struct {
	GDPR     []string // points of art. 6(1), e.g. "6(1)(c)"
	National []Text   // national laws, as text (seed 002)
}

// Transfers describes transfers outside the EU/EEA.
type Transfers struct {
	// OutsideEEA is true when personal data may be transferred or
	// processed outside the EU/EEA, even if only in some cases.
	OutsideEEA  bool
	Description Text
}

// Party is the contact information of the controller or the DPO.
type Party struct {
	Name, BusinessID, Address, Email, Phone string
	// ContactPerson is the person to contact about the register
	// (rekisterin yhteyshenkilö, seeds 001 and 002).
	ContactPerson string
	// VisitingAddress is the street address, when Address is a P.O. box
	// (seed 002).
	VisitingAddress string
}

// Policy is a parsed and validated policy file.
type Policy struct {
	Version    int
	Controller Party
	DPO        Party
	Registers  []*Register
	// Notice is the notice section (policy/notice.go); nil when the file
	// has none, and the notice is rendered from the registers alone.
	Notice *Notice
	File   string
}

// Register returns the register with the given id, or nil.
func (p *Policy) Register(id string) *Register {
	for _, r := range p.Registers {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// SubjectRegister returns the register with records: subjects. A valid
// policy has exactly one.
func (p *Policy) SubjectRegister() *Register {
	for _, r := range p.Registers {
		if r.Records == RecordsSubjects {
			return r
		}
	}
	return nil
}

// RegisterFor returns the contacts register that accepts kind, or nil when
// the policy has none (the organisation does not keep such contacts).
func (p *Policy) RegisterFor(kind ContactKind) *Register {
	for _, r := range p.Registers {
		if r.Records == RecordsContacts && r.Accepts(kind) {
			return r
		}
	}
	return nil
}

// Can reports whether role may do a in the register registerID. It is false
// for an unknown register.
func (p *Policy) Can(role Role, registerID string, a Action) bool {
	r := p.Register(registerID)
	return r != nil && r.Can(role, a)
}

// Can reports whether role may do a in the register.
func (r *Register) Can(role Role, a Action) bool {
	return slices.Contains(r.Access[a], role)
}

// PurposeRequired reports whether the client must state a purpose for a.
func (r *Register) PurposeRequired(a Action) bool {
	return slices.Contains(r.RequirePurpose, a)
}

// Accepts reports whether the register holds contacts of kind k.
func (r *Register) Accepts(k ContactKind) bool {
	return slices.Contains(r.Kinds, k)
}

// Rule returns the retention rule for part.
func (r *Register) Rule(part Part) (RetentionRule, bool) {
	for _, rule := range r.Retention {
		if rule.Part == part {
			return rule, true
		}
	}
	return RetentionRule{}, false
}
