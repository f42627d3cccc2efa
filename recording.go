package kirjaamo

import (
	"slices"
	"time"
)

// How a caller was told that the call is recorded (seed 003).
const (
	NoticeAtStart          = "announcement_at_start"    // an announcement when the call starts
	NoticeIVRBranch        = "ivr_branch"               // behind the IVR menu branch that records
	NoticeOutbound         = "outbound_announcement"    // told at the start of an outbound call
	NoticeContractCustomer = "contract_customer_exempt" // an identified contract customer informed in the contract
)

// NoticeMethods lists the accepted notice methods.
var NoticeMethods = []string{NoticeAtStart, NoticeIVRBranch, NoticeOutbound, NoticeContractCustomer}

// RecordingNotice proves that the caller was informed of the recording:
// how, when, and which version of the announcement text was played.
type RecordingNotice struct {
	Method              string    `json:"method"`
	At                  time.Time `json:"at"`
	AnnouncementVersion string    `json:"announcement_version,omitempty"`
}

// Validate checks a notice.
func (n *RecordingNotice) Validate() error {
	switch {
	case !slices.Contains(NoticeMethods, n.Method):
		return FieldError("method", "method must be one of announcement_at_start, ivr_branch, outbound_announcement, contract_customer_exempt")
	case n.At.IsZero():
		return FieldError("at", "the time the caller was informed is required")
	case n.Method != NoticeContractCustomer && n.AnnouncementVersion == "":
		return FieldError("announcement_version", "name the version of the announcement text that was played")
	case len(n.AnnouncementVersion) > 100:
		return FieldError("announcement_version", "announcement_version is longer than 100 bytes")
	}
	return nil
}

// Recording describes a call recording stored encrypted in the blob store.
// The data key is wrapped by the master key and kept in the database row;
// deleting the row destroys the key, after which the blob is unreadable
// even from a copy.
type Recording struct {
	ContactID   string    `json:"contact_id"`
	BlobKey     string    `json:"-"`
	WrappedKey  []byte    `json:"-"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	StartedAt   time.Time `json:"started_at"`
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  string    `json:"uploaded_by"`
}

// ContactInfo is what an upload is checked against before its bytes are
// streamed: no personal data, so reading it is not an access to log.
type ContactInfo struct {
	Kind         string
	Register     string
	Notice       *RecordingNotice
	HasRecording bool
}
