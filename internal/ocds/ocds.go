// Package ocds publishes the procurement platform's needs as Open Contracting
// Data Standard 1.1 open data: releases (one per significant stage of a
// need), release packages, and record packages with a compiled release. It
// builds from a Process the store fills and knows nothing of SQL or HTTP.
//
// Fields OCDS lacks live in the local extension in extension/ (community,
// service category, party form, document SHA-256, resident satisfaction).
//
// What never appears: drafts and submitted needs (no planning releases);
// anything of a proposal while proposals are sealed, nor ever its content;
// people — parties are the street office and organizations, never a person,
// a phone number, a reviewer or a resident; free-text comments and notes.
package ocds

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/procurement"
)

// Version is the OCDS version the packages declare.
const Version = "1.1"

// Config is what a publisher decides once: identifiers, addresses, licence.
type Config struct {
	// Prefix starts every ocid ("ocds-huitian" → "ocds-huitian-<need id>").
	// A real publication must register its own prefix (ocds-xxxxxx) with the
	// Open Contracting Partnership; the default is a placeholder.
	Prefix string
	// BaseURL is the public address of the platform, without a trailing
	// slash; package URIs and the default extension URL are built on it.
	BaseURL           string
	PublisherName     string
	PublisherURI      string
	License           string // URL of the data licence; omitted when empty
	PublicationPolicy string // URL of the publication policy; omitted when empty
	// ExtensionURL is where the extension's extension.json is served;
	// empty means BaseURL + "/api/v1/ocds/extension/extension.json".
	ExtensionURL string
	// IdentifierScheme is the org-id.guide scheme under which organizations'
	// unified social credit codes (统一社会信用代码) are published as
	// parties' identifier. Empty publishes no identifier: choose the code
	// deliberately rather than guess one.
	IdentifierScheme string
	// Location is the zone dates are written in (China Standard Time when nil).
	Location *time.Location
	// DocumentURL gives a document's public download address; nil omits URLs.
	DocumentURL func(procurement.Document) string
}

// DefaultConfig is a configuration good for a demo: a placeholder prefix and
// a local address.
func DefaultConfig() Config {
	return Config{Prefix: "ocds-huitian", BaseURL: "http://127.0.0.1:8080", PublisherName: "回天政购平台"}
}

// chinaTime is UTC+8 without depending on a time zone database.
var chinaTime = time.FixedZone("CST", 8*60*60)

func (c Config) location() *time.Location {
	if c.Location != nil {
		return c.Location
	}
	return chinaTime
}

func (c Config) base() string { return strings.TrimRight(c.BaseURL, "/") }

func (c Config) extensionURL() string {
	if c.ExtensionURL != "" {
		return c.ExtensionURL
	}
	return c.base() + "/api/v1/ocds/extension/extension.json"
}

// OCID is the open contracting id of a need.
func (c Config) OCID(needID string) string { return c.Prefix + "-" + needID }

// Release is one OCDS release: the state of a need's contracting process at
// one stage.
type Release struct {
	OCID             string           `json:"ocid"`
	ID               string           `json:"id"`
	Date             time.Time        `json:"date"`
	Tag              []string         `json:"tag"`
	InitiationType   string           `json:"initiationType"`
	Language         string           `json:"language,omitempty"`
	Parties          []Party          `json:"parties,omitempty"`
	Buyer            *OrganizationRef `json:"buyer,omitempty"`
	Tender           *Tender          `json:"tender,omitempty"`
	Awards           []Award          `json:"awards,omitempty"`
	Contracts        []Contract       `json:"contracts,omitempty"`
	RelatedProcesses []RelatedProcess `json:"relatedProcesses,omitempty"`
}

// OrganizationRef points at an entry of a release's parties.
type OrganizationRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Party is an organization or office taking part in the process, with its roles.
type Party struct {
	ID         string        `json:"id"`
	Name       string        `json:"name,omitempty"`
	Identifier *Identifier   `json:"identifier,omitempty"`
	Roles      []string      `json:"roles,omitempty"`
	Details    *PartyDetails `json:"details,omitempty"`
}

// Identifier is an organization's registered identifier.
type Identifier struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
}

// PartyDetails holds the extension's classification of a party.
type PartyDetails struct {
	PartyForm *Code `json:"partyForm,omitempty"` // extension: 党组织形式
}

// Code is a code from one of the extension's codelists with its Chinese name.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name,omitempty"`
}

// Community is the community a need serves (extension).
type Community struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Value is an amount of money.
type Value struct {
	Amount   Amount `json:"amount"`
	Currency string `json:"currency"`
}

// Period is a span of time; either end may be unknown.
type Period struct {
	StartDate      time.Time `json:"startDate,omitzero"`
	EndDate        time.Time `json:"endDate,omitzero"`
	DurationInDays int       `json:"durationInDays,omitempty"`
}

// Tender is the call for proposals of a need.
type Tender struct {
	ID                         string           `json:"id"`
	Title                      string           `json:"title,omitempty"`
	Description                string           `json:"description,omitempty"`
	Status                     string           `json:"status,omitempty"`
	ProcuringEntity            *OrganizationRef `json:"procuringEntity,omitempty"`
	Value                      *Value           `json:"value,omitempty"`
	ProcurementMethod          string           `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails   string           `json:"procurementMethodDetails,omitempty"`
	ProcurementMethodRationale string           `json:"procurementMethodRationale,omitempty"`
	MainProcurementCategory    string           `json:"mainProcurementCategory,omitempty"`
	AwardCriteria              string           `json:"awardCriteria,omitempty"`
	AwardCriteriaDetails       string           `json:"awardCriteriaDetails,omitempty"`
	SubmissionMethod           []string         `json:"submissionMethod,omitempty"`
	EligibilityCriteria        string           `json:"eligibilityCriteria,omitempty"`
	TenderPeriod               *Period          `json:"tenderPeriod,omitempty"`
	EnquiryPeriod              *Period          `json:"enquiryPeriod,omitempty"`
	// NumberOfTenderers is nil until the deadline; after it, 0 is a fact.
	NumberOfTenderers *int              `json:"numberOfTenderers,omitempty"`
	Tenderers         []OrganizationRef `json:"tenderers,omitempty"`
	Documents         []Document        `json:"documents,omitempty"`
	Community         *Community        `json:"community,omitempty"`       // extension
	ServiceCategory   *Code             `json:"serviceCategory,omitempty"` // extension
}

// Award is the street's decision for a supplier.
type Award struct {
	ID             string            `json:"id"`
	Description    string            `json:"description,omitempty"`
	Status         string            `json:"status,omitempty"`
	Date           time.Time         `json:"date,omitzero"`
	Value          *Value            `json:"value,omitempty"`
	Suppliers      []OrganizationRef `json:"suppliers,omitempty"`
	ContractPeriod *Period           `json:"contractPeriod,omitempty"`
}

// Contract is the signed agreement and its implementation.
type Contract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Description    string          `json:"description,omitempty"`
	Status         string          `json:"status,omitempty"`
	Period         *Period         `json:"period,omitempty"`
	Value          *Value          `json:"value,omitempty"`
	DateSigned     time.Time       `json:"dateSigned,omitzero"`
	Documents      []Document      `json:"documents,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
}

// Implementation is the delivery of a contract: milestones, progress
// reports, and the residents' satisfaction.
type Implementation struct {
	Milestones   []Milestone   `json:"milestones,omitempty"`
	Documents    []Document    `json:"documents,omitempty"`
	Satisfaction *Satisfaction `json:"satisfaction,omitempty"` // extension
}

// Milestone is a deliverable of a contract, or its final acceptance.
type Milestone struct {
	ID          string    `json:"id"`
	Title       string    `json:"title,omitempty"`
	Type        string    `json:"type,omitempty"`
	Description string    `json:"description,omitempty"`
	DueDate     time.Time `json:"dueDate,omitzero"`
	DateMet     time.Time `json:"dateMet,omitzero"`
	Status      string    `json:"status,omitempty"`
}

// Document is a published file, with its hash.
type Document struct {
	ID            string    `json:"id"`
	DocumentType  string    `json:"documentType,omitempty"`
	Title         string    `json:"title,omitempty"`
	URL           string    `json:"url,omitempty"`
	DatePublished time.Time `json:"datePublished,omitzero"`
	Format        string    `json:"format,omitempty"`
	SHA256        string    `json:"sha256,omitempty"` // extension
}

// Satisfaction summarizes residents' ratings (extension).
type Satisfaction struct {
	Average float64 `json:"average"`
	Count   int     `json:"count"`
}

// RelatedProcess links to another contracting process.
type RelatedProcess struct {
	ID           string   `json:"id"`
	Relationship []string `json:"relationship,omitempty"`
	Title        string   `json:"title,omitempty"`
	Scheme       string   `json:"scheme,omitempty"`
	Identifier   string   `json:"identifier,omitempty"`
}

// Amount is money in fen, written to JSON as yuan: an exact decimal with
// at most two places (12345 fen → 123.45), never a rounded float.
type Amount int64

// MarshalJSON writes the amount in yuan.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// String is the amount in yuan, e.g. "123.45", "50000", "0.1".
func (a Amount) String() string {
	v := uint64(a)
	sign := ""
	if a < 0 {
		sign, v = "-", uint64(-a)
	}
	s := sign + strconv.FormatUint(v/100, 10)
	if f := v % 100; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return s
}

// UnmarshalJSON reads yuan with at most two decimals, exactly.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return fmt.Errorf("ocds: amount %s is not yuan with at most two decimals", b)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return fmt.Errorf("ocds: amount %s: %w", b, err)
	}
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", 2-len(frac)), 10, 64); err != nil {
			return fmt.Errorf("ocds: amount %s: %w", b, err)
		}
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	*a = Amount(v)
	return nil
}
