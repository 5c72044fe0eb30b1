package ocds

import (
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// Unit is an office or community named by its id and name: never a person.
type Unit struct {
	ID   string
	Name string
}

// Process is everything public about one need's contracting process, as the
// store reads it from its tables in one transaction. Fields that do not apply
// yet stay empty. The builder decides what may be shown when, so a store may
// over-fill (e.g. pass tenderers of a sealed need): they are left out.
type Process struct {
	// Now is the store's clock when it read the process: sealing, the
	// deadline and the objection period are decided against it (zero: time.Now()).
	Now  time.Time
	Need *procurement.Need
	// Buyer is the street office that publishes and pays (buyer and
	// procuring entity), e.g. {street id, "回龙观街道办事处"}. Empty: the
	// need's street.
	Buyer Unit
	// Community is the community the need serves. Empty: the need's community.
	Community Unit
	// Tenderers are the organizations whose proposals were live at the
	// deadline (numberOfTenderers is their count). Published only once the
	// deadline has passed. Empty falls back to Need.Proposals for the count.
	Tenderers []*registry.Organization
	// AwardDurationDays is the awarded proposal's duration, published as
	// the award's contract period; no other detail of a proposal ever is.
	AwardDurationDays int
	Award             *procurement.Award
	// Supplier is the awarded organization (else Award.OrgID/OrgName is used).
	Supplier *registry.Organization
	Contract *procurement.Contract
	// Milestones are the contract's milestones with their current status
	// (Contract.Milestones when empty).
	Milestones []procurement.Milestone
	// Reports are the supplier's progress reports; only their files (and
	// dates) are published, never their text or author.
	Reports []procurement.Report
	// Documents are the need's own attachments (Owner = need id). Files of
	// anyone else, proposals' above all, are dropped.
	Documents []procurement.Document
	// ContractDocuments are the files attached to the contract.
	ContractDocuments []procurement.Document
	// Events is the need's public timeline, oldest first.
	Events     []procurement.Event
	Acceptance *procurement.Acceptance
	// RatingAverage and RatingCount summarize residents' ratings; RatedAt is
	// when the latest was given or changed (it dates the release).
	RatingAverage float64
	RatingCount   int
	RatedAt       time.Time
}
