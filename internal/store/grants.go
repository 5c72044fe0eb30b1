package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/ledger"
)

// Grants: the foundation's funds and donations, rounds, applications,
// agreements, tranches and expenses. Every yuan moves as a posting of the
// money ledger (grantsBook, the engine the points ledger runs on) in the
// same transaction as the row it belongs to and its audit entry, so every
// figure a page shows is a sum of postings and `huitian grants verify`
// can prove it.

// grantAccount is a money account to open on first use.
type grantAccount struct {
	kind            grants.AccountKind
	owner           string
	fundID, roundID string
}

func (a grantAccount) id() string { return grants.AccountID(a.kind, a.owner) }

// grantPost opens from and to if new and posts p between them, audited as
// grants.post. A replay of the key returns the first posting (replay true).
// An overdraft is reported as errKey on field (so each caller says what ran
// out: the fund, the round's budget, the award).
func grantPost(ctx context.Context, c conn, p *ledger.Posting, from, to grantAccount, field, errKey string) (*ledger.Posting, bool, error) {
	for _, a := range []grantAccount{from, to} {
		if _, err := c.exec(ctx, `INSERT INTO grant_accounts (id, kind, owner_id, fund_id, round_id, balance, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING`, a.id(), string(a.kind), a.owner, a.fundID, a.roundID, c.now); err != nil {
			return nil, false, err
		}
	}
	p.From, p.To = from.id(), to.id()
	if actor := accounts.ActorFrom(ctx); actor != nil {
		p.ActorID = actor.ID
	}
	out, replay, err := grantsBook.post(ctx, c, p)
	if errs.As(err) != nil && errs.As(err).Key == "grants.insufficient" {
		return nil, false, &errs.Error{Code: errs.Conflict, Key: errKey, Field: field}
	}
	if err != nil || replay {
		return out, replay, err
	}
	err = record(ctx, c, "grants.post", accounts.Resource{Kind: accounts.KindFund, ID: out.ID, StreetID: ""},
		map[string]any{"key": out.Key, "kind": out.Kind, "from": out.From, "to": out.To, "amount": out.Amount, "ref": out.Ref})
	return out, false, err
}

func fundAcct(fundID string) grantAccount  { return grantAccount{grants.Fund, fundID, fundID, ""} }
func donorAcct(fundID string) grantAccount { return grantAccount{grants.Donor, fundID, fundID, ""} }
func roundAcct(r *grants.RoundRecord) grantAccount {
	return grantAccount{grants.Round, r.ID, r.FundID, r.ID}
}
func appAcct(kind grants.AccountKind, fundID, roundID, appID string) grantAccount {
	return grantAccount{kind, appID, fundID, roundID}
}

// ---- Funds and donations ----

// CreateFund opens a fund (foundation staff, coordinators).
func (s *Store) CreateFund(ctx context.Context, f *grants.FundRecord) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accounts.Resource{Kind: accounts.KindFund}); err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		f.ID, f.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO grant_funds (id, name, kind, purpose, street_id, description, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.Name, string(f.Kind), f.Purpose, nullStr(f.StreetID), f.Description,
			actorID(actor), c.now, c.now); err != nil {
			if errs.CodeOf(s.translate(err)) == errs.Conflict {
				return errs.Field("name", "grants.fund_name_taken")
			}
			return fieldErr("street", s.translate(err))
		}
		return record(ctx, c, "grants.fund_create", f.Resource(), map[string]any{"name": f.Name, "kind": f.Kind})
	})
}

func actorID(u *accounts.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

// fundFigures sums postings per fund: received, reserved for rounds,
// awarded, paid in tranches and spent (each net of money released back).
const fundFiguresSQL = `SELECT fa.fund_id,
	COALESCE(SUM(CASE WHEN p.kind = 'donation' THEN p.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN p.kind = 'reserve' THEN p.amount WHEN p.kind = 'release' AND ta.kind = 'fund' THEN -p.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN p.kind = 'award' THEN p.amount WHEN p.kind = 'release' AND fa.kind = 'award' THEN -p.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN p.kind = 'tranche' THEN p.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN p.kind = 'expense' THEN p.amount ELSE 0 END), 0)
	FROM grant_postings p JOIN grant_accounts fa ON fa.id = p.from_id JOIN grant_accounts ta ON ta.id = p.to_id`

const fundSelect = `SELECT f.id, f.name, f.kind, f.purpose, COALESCE(f.street_id, ''), COALESCE(st.name, ''), f.description,
	f.created_at, COALESCE(a.balance, 0)
	FROM grant_funds f LEFT JOIN streets st ON st.id = f.street_id
	LEFT JOIN grant_accounts a ON a.id = 'fund:' || f.id`

func scanFund(sc interface{ Scan(...any) error }) (*grants.FundRecord, error) {
	f := &grants.FundRecord{}
	var kind string
	err := sc.Scan(&f.ID, &f.Name, &kind, &f.Purpose, &f.StreetID, &f.StreetName, &f.Description, &f.CreatedAt, &f.Balance)
	f.Kind, f.CreatedAt = grants.FundKind(kind), f.CreatedAt.UTC()
	return f, err
}

// FindFunds lists every fund with its figures (public).
func (s *Store) FindFunds(ctx context.Context) ([]*grants.FundRecord, error) {
	c := s.read()
	var out []*grants.FundRecord
	byID := map[string]*grants.FundRecord{}
	err := c.each(ctx, fundSelect+` ORDER BY f.created_at, f.id`, nil, func(sc scanner) error {
		f, err := scanFund(sc)
		if err != nil {
			return err
		}
		out, byID[f.ID] = append(out, f), f
		return nil
	})
	if err == nil {
		err = c.each(ctx, fundFiguresSQL+` GROUP BY fa.fund_id`, nil, func(sc scanner) error {
			var id string
			var x grants.FundFigures
			if err := sc.Scan(&id, &x.Donations, &x.Reserved, &x.Awarded, &x.Disbursed, &x.Spent); err != nil {
				return err
			}
			if f := byID[id]; f != nil {
				x.Balance = f.Balance
				f.FundFigures = x
			}
			return nil
		})
	}
	if err != nil {
		return nil, s.translate(err)
	}
	return out, nil
}

// FindFundByID returns one fund with its figures (public).
func (s *Store) FindFundByID(ctx context.Context, id string) (*grants.FundRecord, error) {
	c := s.read()
	f, err := scanFund(c.row(ctx, fundSelect+` WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("fund")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	var fid string
	err = c.row(ctx, fundFiguresSQL+` WHERE fa.fund_id = ? GROUP BY fa.fund_id`, id).
		Scan(&fid, &f.Donations, &f.Reserved, &f.Awarded, &f.Disbursed, &f.Spent)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.translate(err)
	}
	return f, nil
}

// FindFundSpending sums a fund's approved expenses by budget category,
// from the expense postings (public).
func (s *Store) FindFundSpending(ctx context.Context, fundID string) (map[string]int64, error) {
	rows, err := s.read().query(ctx, `SELECT e.category, SUM(p.amount) FROM grant_postings p
		JOIN grant_accounts fa ON fa.id = p.from_id JOIN grant_expenses e ON e.id = p.ref_id
		WHERE p.kind = 'expense' AND fa.fund_id = ? GROUP BY e.category`, fundID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return nil, s.translate(err)
		}
		out[c] = n
	}
	return out, s.translate(rows.Err())
}

// RecordDonation records money received by a fund: a donation posting
// (donor → fund) and the donation row with its receipt number and the
// donor's receipt link. key makes it idempotent: recording the same key
// again returns the first donation.
func (s *Store) RecordDonation(ctx context.Context, d *grants.Donation, key string) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accounts.Resource{Kind: accounts.KindFund, ID: d.FundID}); err != nil {
		return err
	}
	if err := errs.Merge(d.Validate(), d.CheckDayOn(s.Now())); err != nil {
		return err
	}
	key = strings.TrimSpace(key)
	if key == "" || len(key) > 100 {
		return errs.Field("idempotency_key", "field.required")
	}
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		if _, err := fundByID(ctx, c, d.FundID); err != nil {
			return fieldErr("fund", err)
		}
		d.ID = newID()
		p, replay, err := grantPost(ctx, c, &ledger.Posting{Key: "donation:" + key, Kind: string(grants.PostDonation),
			Amount: d.Amount, Reason: "捐赠"}, donorAcct(d.FundID), fundAcct(d.FundID), "amount", "grants.insufficient")
		if err != nil {
			return err
		}
		if replay {
			first, err := scanDonation(c.row(ctx, donationSelect+` WHERE d.posting_id = ?`, p.ID))
			if err != nil {
				return err
			}
			*d = *first
			return nil
		}
		// Receipt numbers run in sequence: the audit entry grantPost wrote
		// holds the audit head's row lock, so on PostgreSQL a concurrent
		// donation counts only after this one commits.
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM grant_donations`).Scan(&n); err != nil {
			return err
		}
		d.ReceiptNo = fmt.Sprintf("HTJJH-%s-%06d", d.DonatedOn[:4], n+1)
		d.ReceiptToken, d.PostingID, d.CreatedAt = randomToken(16), p.ID, c.now
		if _, err := c.exec(ctx, `INSERT INTO grant_donations (id, fund_id, donor_name, anonymous, amount, channel, restriction,
			receipt_no, receipt_token, donated_on, posting_id, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.FundID, d.DonorName, d.Anonymous, d.Amount, d.Channel, d.Restriction, d.ReceiptNo, d.ReceiptToken,
			d.DonatedOn, d.PostingID, actorID(actor), c.now); err != nil {
			return err
		}
		// The donor's name stays out of the audit data when they asked for anonymity.
		return record(ctx, c, "grants.donation", accounts.Resource{Kind: accounts.KindFund, ID: d.FundID},
			map[string]any{"donation": d.ID, "amount": d.Amount, "channel": d.Channel, "anonymous": d.Anonymous,
				"receipt": d.ReceiptNo, "posting": d.PostingID})
	})
}

func fundByID(ctx context.Context, c conn, id string) (*grants.FundRecord, error) {
	f, err := scanFund(c.row(ctx, fundSelect+` WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("fund")
	}
	return f, err
}

const donationSelect = `SELECT d.id, d.fund_id, f.name, d.donor_name, d.anonymous, d.amount, d.channel, d.restriction,
	d.receipt_no, d.receipt_token, d.donated_on, d.posting_id, d.created_at
	FROM grant_donations d JOIN grant_funds f ON f.id = d.fund_id`

func scanDonation(sc interface{ Scan(...any) error }) (*grants.Donation, error) {
	d := &grants.Donation{}
	err := sc.Scan(&d.ID, &d.FundID, &d.FundName, &d.DonorName, &d.Anonymous, &d.Amount, &d.Channel, &d.Restriction,
		&d.ReceiptNo, &d.ReceiptToken, &d.DonatedOn, &d.PostingID, &d.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("donation")
	}
	d.CreatedAt = d.CreatedAt.UTC()
	return d, err
}

// FindDonations lists a fund's donations newest first. The public
// (thank-you list) sees the names donors chose to show and no receipt
// link; auditors see every donation and receipt but an anonymous donor's
// name and receipt, which are the foundation's staff's alone.
func (s *Store) FindDonations(ctx context.Context, fundID string, limit int) ([]*grants.Donation, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	actor, res := accounts.ActorFrom(ctx), accounts.Resource{Kind: accounts.KindFund, ID: fundID}
	private, personal := accounts.Allowed(actor, accounts.ViewPrivate, res), accounts.Allowed(actor, accounts.ViewPersonal, res)
	rows, err := s.read().query(ctx, donationSelect+` WHERE d.fund_id = ? ORDER BY d.donated_on DESC, d.created_at DESC LIMIT ?`, fundID, limit)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*grants.Donation
	for rows.Next() {
		d, err := scanDonation(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		// The receipt bears the donor's name: it goes with the name.
		if !private || (d.Anonymous && !personal) {
			d.DonorName, d.ReceiptToken = d.PublicName(), ""
		}
		out = append(out, d)
	}
	return out, s.translate(rows.Err())
}

// FindDonationByReceipt returns the donation behind a donor's receipt link.
func (s *Store) FindDonationByReceipt(ctx context.Context, token string) (*grants.Donation, error) {
	if len(token) != 32 {
		return nil, notFound("donation")
	}
	d, err := scanDonation(s.read().row(ctx, donationSelect+` WHERE d.receipt_token = ?`, token))
	return d, s.translate(err)
}

// ---- Rounds ----

// CreateRound opens a round and reserves its budget from its fund (a
// reserve posting: a fund cannot promise money it does not hold).
func (s *Store) CreateRound(ctx context.Context, r *grants.RoundRecord) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, r.Resource()); err != nil {
		return err
	}
	if err := errs.Merge(r.Validate(), r.CheckDaysOn(s.Now())); err != nil {
		return err
	}
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		f, err := fundByID(ctx, c, r.FundID)
		if err != nil {
			return fieldErr("fund", err)
		}
		if f.Kind == grants.StreetFund && f.StreetID != r.StreetID {
			return errs.Field("fund", "grants.fund_other_street")
		}
		// A street's staff may spend only their street's own fund; the
		// foundation's funds are allocated by the foundation.
		if !grants.Manages(actor, "") && f.Kind != grants.StreetFund {
			return errs.Field("fund", "grants.fund_not_yours")
		}
		r.ID, r.CreatedAt, r.Status, r.FundName = newID(), c.now, grants.RoundOpen, f.Name
		if _, err := c.exec(ctx, `INSERT INTO grant_rounds (id, fund_id, name, route, street_id, budget, match_pct, themes,
			eligibility, criteria, description, opens_on, closes_on, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.FundID, r.Name, string(r.Route),
			nullStr(r.StreetID), r.Budget, r.MatchPct, strings.Join(r.Themes, ","), string(r.Eligibility),
			strings.Join(r.Criteria, "\n"), r.Description, r.OpensOn, r.ClosesOn, string(r.Status), actorID(actor), c.now, c.now); err != nil {
			if errs.CodeOf(s.translate(err)) == errs.Conflict {
				return errs.Field("name", "grants.round_name_taken")
			}
			return fieldErr("street", s.translate(err))
		}
		if _, _, err := grantPost(ctx, c, &ledger.Posting{Key: "reserve:" + r.ID, Kind: string(grants.PostReserve),
			Amount: r.Budget, Reason: "轮次预算", Ref: r.ID}, fundAcct(r.FundID), roundAcct(r), "budget", "grants.fund_insufficient"); err != nil {
			return err
		}
		return record(ctx, c, "grants.round_create", r.Resource(), map[string]any{"name": r.Name, "fund": r.FundID,
			"budget": r.Budget, "match_pct": r.MatchPct})
	})
}

const roundSelect = `SELECT r.id, r.fund_id, f.name, r.name, r.route, COALESCE(r.street_id, ''), COALESCE(st.name, ''), r.budget,
	r.match_pct, r.themes, r.eligibility, r.criteria, r.description, r.opens_on, r.closes_on, r.status, r.created_at,
	COALESCE(a.balance, 0), (SELECT COUNT(*) FROM grant_applications x WHERE x.round_id = r.id)
	FROM grant_rounds r JOIN grant_funds f ON f.id = r.fund_id LEFT JOIN streets st ON st.id = r.street_id
	LEFT JOIN grant_accounts a ON a.id = 'round:' || r.id`

func scanRound(sc interface{ Scan(...any) error }) (*grants.RoundRecord, error) {
	r := &grants.RoundRecord{}
	var route, themes, elig, crit, status string
	err := sc.Scan(&r.ID, &r.FundID, &r.FundName, &r.Name, &route, &r.StreetID, &r.StreetName, &r.Budget, &r.MatchPct,
		&themes, &elig, &crit, &r.Description, &r.OpensOn, &r.ClosesOn, &status, &r.CreatedAt, &r.Available, &r.Applications)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("round")
	}
	r.Route, r.Eligibility, r.Status, r.CreatedAt = grants.Route(route), grants.Eligibility(elig), grants.RoundStatus(status), r.CreatedAt.UTC()
	if themes != "" {
		r.Themes = strings.Split(themes, ",")
	}
	if crit != "" {
		r.Criteria = strings.Split(crit, "\n")
	}
	return r, err
}

// roundFiguresSQL sums a round's postings: awarded (net of releases from
// awards), paid in tranches, spent.
const roundFiguresSQL = `SELECT fa.round_id,
	COALESCE(SUM(CASE WHEN p.kind = 'award' THEN p.amount WHEN p.kind = 'release' AND fa.kind = 'award' THEN -p.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN p.kind = 'tranche' THEN p.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN p.kind = 'expense' THEN p.amount ELSE 0 END), 0)
	FROM grant_postings p JOIN grant_accounts fa ON fa.id = p.from_id WHERE fa.round_id <> ''`

// FindRounds lists rounds newest first with their figures (public).
func (s *Store) FindRounds(ctx context.Context) ([]*grants.RoundRecord, error) {
	c := s.read()
	var out []*grants.RoundRecord
	byID := map[string]*grants.RoundRecord{}
	err := c.each(ctx, roundSelect+` ORDER BY r.opens_on DESC, r.id`, nil, func(sc scanner) error {
		r, err := scanRound(sc)
		if err != nil {
			return err
		}
		out, byID[r.ID] = append(out, r), r
		return nil
	})
	if err == nil {
		err = c.each(ctx, roundFiguresSQL+` GROUP BY fa.round_id`, nil, func(sc scanner) error {
			var id string
			var aw, di, sp int64
			if err := sc.Scan(&id, &aw, &di, &sp); err != nil {
				return err
			}
			if r := byID[id]; r != nil {
				r.Awarded, r.Disbursed, r.Spent = aw, di, sp
			}
			return nil
		})
	}
	if err != nil {
		return nil, s.translate(err)
	}
	return out, nil
}

// FindRoundByID returns one round with its figures (public).
func (s *Store) FindRoundByID(ctx context.Context, id string) (*grants.RoundRecord, error) {
	c := s.read()
	r, err := roundByID(ctx, c, id)
	if err != nil {
		return nil, s.translate(err)
	}
	var rid string
	err = c.row(ctx, roundFiguresSQL+` AND fa.round_id = ? GROUP BY fa.round_id`, id).Scan(&rid, &r.Awarded, &r.Disbursed, &r.Spent)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.translate(err)
	}
	return r, nil
}

func roundByID(ctx context.Context, c conn, id string) (*grants.RoundRecord, error) {
	return scanRound(c.row(ctx, roundSelect+` WHERE r.id = ?`, id))
}

// CloseRound ends a round's call (open → reviewing) or finishes it
// (reviewing → finished), which releases the budget not awarded back to
// its fund.
func (s *Store) CloseRound(ctx context.Context, id string) (*grants.RoundRecord, error) {
	var out *grants.RoundRecord
	err := s.tx(ctx, func(c conn) error {
		r, err := roundByID(ctx, c, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, r.Resource()); err != nil {
			return err
		}
		if !grants.Manages(accounts.ActorFrom(ctx), r.StreetID) {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		next := map[grants.RoundStatus]grants.RoundStatus{grants.RoundOpen: grants.RoundReviewing, grants.RoundReviewing: grants.RoundFinished}[r.Status]
		if next == "" {
			return errs.E(errs.Conflict, "grants.round_finished")
		}
		res, err := c.exec(ctx, `UPDATE grant_rounds SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
			string(next), c.now, r.ID, string(r.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "grants.round_changed")
		}
		if next == grants.RoundFinished {
			// Nothing can be awarded any more: what is left goes back.
			var left int64
			if err := c.row(ctx, `SELECT balance FROM grant_accounts WHERE id = ?`, roundAcct(r).id()).Scan(&left); err != nil {
				return err
			}
			if left > 0 {
				if _, _, err := grantPost(ctx, c, &ledger.Posting{Key: "release:" + r.ID, Kind: string(grants.PostRelease),
					Amount: left, Reason: "轮次结余退回基金", Ref: r.ID}, roundAcct(r), fundAcct(r.FundID), "budget", "grants.insufficient"); err != nil {
					return err
				}
			}
		}
		r.Status = next
		out = r
		return record(ctx, c, "grants.round_"+string(next), r.Resource(), map[string]any{"status": next})
	})
	return out, err
}

// CreateTopic posts a community's governance micro-project into an open
// round: the community's staff, the round's street's staff, coordinators.
func (s *Store) CreateTopic(ctx context.Context, t *grants.Topic) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		r, err := roundByID(ctx, c, t.RoundID)
		if err != nil {
			return err
		}
		if !grants.MayProposeTopic(actor, r.StreetID) {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		if err := t.Validate(); err != nil {
			return err
		}
		var street string
		if err := c.row(ctx, `SELECT street_id, name FROM communities WHERE id = ?`, t.CommunityID).Scan(&street, &t.CommunityName); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Field("community", "invalid.reference_community")
			}
			return err
		}
		res := accounts.Resource{Kind: accounts.KindComplex, StreetID: street, CommunityID: t.CommunityID}
		if !actor.Holds(accounts.CommunityStaff, res) && !actor.Holds(accounts.StreetStaff, res) && !grants.Manages(actor, "") {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		if r.StreetID != "" && r.StreetID != street {
			return errs.Field("community", "grants.not_eligible_street")
		}
		if !r.AcceptsOn(c.now) {
			return errs.E(errs.Conflict, "grants.round_closed")
		}
		t.ID, t.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO grant_topics (id, round_id, community_id, title, description, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.RoundID, t.CommunityID, t.Title, t.Description, actorID(actor), c.now); err != nil {
			return err
		}
		return record(ctx, c, "grants.topic", r.Resource(), map[string]any{"topic": t.ID, "community": t.CommunityID, "title": t.Title})
	})
}

// FindTopics lists a round's topics (public).
func (s *Store) FindTopics(ctx context.Context, roundID string) ([]*grants.Topic, error) {
	rows, err := s.read().query(ctx, `SELECT t.id, t.round_id, t.community_id, c.name, t.title, t.description, t.created_at
		FROM grant_topics t JOIN communities c ON c.id = t.community_id WHERE t.round_id = ? ORDER BY t.created_at`, roundID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*grants.Topic
	for rows.Next() {
		t := &grants.Topic{}
		if err := rows.Scan(&t.ID, &t.RoundID, &t.CommunityID, &t.CommunityName, &t.Title, &t.Description, &t.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, t)
	}
	return out, s.translate(rows.Err())
}

// ---- Applications ----

// CreateApplication submits an organization's application to an open
// round it is eligible for (one per organization and round).
func (s *Store) CreateApplication(ctx context.Context, a *grants.Application) error {
	actor := accounts.ActorFrom(ctx)
	if err := accounts.Can(actor, accounts.Create, accounts.Resource{Kind: accounts.KindGrantApplication, OrgID: a.OrgID}); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		r, err := roundByID(ctx, c, a.RoundID)
		if err != nil {
			return err
		}
		if err := errs.Merge(a.Validate(r), a.CheckDaysOn(c.now)); err != nil {
			return err
		}
		if !r.AcceptsOn(c.now) {
			return errs.E(errs.Conflict, "grants.round_closed")
		}
		var o grants.OrgFacts
		var reg string
		if err := c.row(ctx, `SELECT street_id, registration, name FROM organizations WHERE id = ?`, a.OrgID).
			Scan(&o.StreetID, &reg, &a.OrgName); err != nil {
			return fieldErr("org", s.translate(err))
		}
		o.Registered = reg == "registered"
		if err := r.CheckEligible(o); err != nil {
			return err
		}
		if a.TopicID != "" {
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM grant_topics WHERE id = ? AND round_id = ?`, a.TopicID, r.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.Field("topic", "invalid.reference_topic")
			}
		}
		ms, _ := json.Marshal(a.Milestones)
		a.ID, a.CreatedAt, a.Status, a.SubmittedBy, a.RoundName, a.RoundStreetID = newID(), c.now, grants.AppSubmitted, actorID(actor), r.Name, r.StreetID
		if _, err := c.exec(ctx, `INSERT INTO grant_applications (id, round_id, org_id, topic_id, title, problem, plan, team,
			milestones, request, match_cash, match_hours, match_hours_value, status, submitted_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.RoundID, a.OrgID, a.TopicID, a.Title, a.Problem,
			a.Plan, a.Team, string(ms), a.Request, a.MatchCash, a.MatchHours, a.MatchHoursValue, string(a.Status), a.SubmittedBy,
			c.now, c.now); err != nil {
			if errs.CodeOf(s.translate(err)) == errs.Conflict {
				return errs.E(errs.Conflict, "grants.already_applied")
			}
			return err
		}
		for i := range a.Lines {
			a.Lines[i].ID = newID()
			if _, err := c.exec(ctx, `INSERT INTO grant_budget_lines (id, application_id, position, category, item, amount)
				VALUES (?, ?, ?, ?, ?, ?)`, a.Lines[i].ID, a.ID, i+1, a.Lines[i].Category, a.Lines[i].Item, a.Lines[i].Amount); err != nil {
				return err
			}
		}
		if err := notifyGrantManagers(ctx, c, r.StreetID, a.ID, "grant_applied", a.Title, a.OrgName); err != nil {
			return err
		}
		return record(ctx, c, "grants.apply", a.Resource(), map[string]any{"round": r.ID, "org": a.OrgID, "request": a.Request,
			"match": a.OwnMatch()})
	})
}

const applicationSelect = `SELECT a.id, a.round_id, r.name, COALESCE(r.street_id, ''), a.org_id, o.name, a.topic_id, a.title,
	a.problem, a.plan, a.team, a.milestones, a.request, a.match_cash, a.match_hours, a.match_hours_value, a.status, a.award,
	a.reason, a.decided_at, a.submitted_by, a.created_at,
	(SELECT COUNT(*) FROM grant_reviews v WHERE v.application_id = a.id AND NOT v.conflict),
	(SELECT COUNT(*) FROM grant_reviews v WHERE v.application_id = a.id AND v.conflict),
	COALESCE((SELECT AVG(v.score) FROM grant_reviews v WHERE v.application_id = a.id AND NOT v.conflict), 0)
	FROM grant_applications a JOIN grant_rounds r ON r.id = a.round_id JOIN organizations o ON o.id = a.org_id`

func scanApplication(sc interface{ Scan(...any) error }) (*grants.Application, error) {
	a := &grants.Application{}
	var ms, status string
	var decided sql.NullTime
	err := sc.Scan(&a.ID, &a.RoundID, &a.RoundName, &a.RoundStreetID, &a.OrgID, &a.OrgName, &a.TopicID, &a.Title, &a.Problem,
		&a.Plan, &a.Team, &ms, &a.Request, &a.MatchCash, &a.MatchHours, &a.MatchHoursValue, &status, &a.Award, &a.Reason,
		&decided, &a.SubmittedBy, &a.CreatedAt, &a.Reviews, &a.Conflict, &a.Score)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("application")
	}
	if err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(ms), &a.Milestones)
	a.Status, a.CreatedAt = grants.State(status), a.CreatedAt.UTC()
	if decided.Valid {
		a.DecidedAt = decided.Time.UTC()
	}
	return a, nil
}

func applicationByID(ctx context.Context, c conn, id string) (*grants.Application, error) {
	a, err := scanApplication(c.row(ctx, applicationSelect+` WHERE a.id = ?`, id))
	if err != nil {
		return nil, err
	}
	a.Lines, err = budgetLines(ctx, c, a.ID)
	return a, err
}

func budgetLines(ctx context.Context, c conn, appID string) ([]grants.BudgetLine, error) {
	rows, err := c.query(ctx, `SELECT l.id, l.category, l.item, l.amount, COALESCE((SELECT SUM(e.amount) FROM grant_expenses e
		WHERE e.line_id = l.id AND e.status = 'approved'), 0) FROM grant_budget_lines l WHERE l.application_id = ? ORDER BY l.position`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []grants.BudgetLine
	for rows.Next() {
		var l grants.BudgetLine
		if err := rows.Scan(&l.ID, &l.Category, &l.Item, &l.Amount, &l.Spent); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// visibleApplication: the whole file for those who may see it privately;
// an awarded application is public (the transparency page shows it).
func visibleApplication(actor *accounts.User, a *grants.Application) error {
	if a.Status == grants.AppAwarded || accounts.Allowed(actor, accounts.ViewPrivate, a.Resource()) {
		return nil
	}
	return notFound("application")
}

// FindApplicationByID returns an application the actor may see.
func (s *Store) FindApplicationByID(ctx context.Context, id string) (*grants.Application, error) {
	a, err := applicationByID(ctx, s.read(), id)
	if err != nil {
		return nil, s.translate(err)
	}
	if err := visibleApplication(accounts.ActorFrom(ctx), a); err != nil {
		return nil, err
	}
	if !accounts.Allowed(accounts.ActorFrom(ctx), accounts.ViewPrivate, a.Resource()) {
		a.Team = "" // names of people: for those who decide
	}
	return a, nil
}

// FindApplications lists a round's applications the actor may see, by score.
func (s *Store) FindApplications(ctx context.Context, roundID string) ([]*grants.Application, error) {
	actor := accounts.ActorFrom(ctx)
	rows, err := s.read().query(ctx, applicationSelect+` WHERE a.round_id = ? ORDER BY a.created_at, a.id`, roundID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*grants.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if visibleApplication(actor, a) == nil {
			if !accounts.Allowed(actor, accounts.ViewPrivate, a.Resource()) {
				a.Team = ""
			}
			out = append(out, a)
		}
	}
	return out, s.translate(rows.Err())
}

// StepApplication takes review, withdraw or decline (with a published
// reason) on an application. Award is AwardApplication.
func (s *Store) StepApplication(ctx context.Context, id string, act grants.Action, reason string) (*grants.Application, error) {
	if act == grants.ActAward {
		return nil, grants.BadTransition("", act)
	}
	actor := accounts.ActorFrom(ctx)
	var out *grants.Application
	err := s.tx(ctx, func(c conn) error {
		a, err := applicationByID(ctx, c, id)
		if err != nil {
			return err
		}
		if err := visibleApplication(actor, a); err != nil {
			return err
		}
		to, err := grants.ApplicationMachine.Step(actor, grants.Parties{StreetID: a.RoundStreetID, OrgID: a.OrgID}, a.Status, act)
		if err != nil {
			return err
		}
		if act == grants.ActDecline {
			d := &grants.Decision{Reason: reason}
			if err := d.Validate(false, a); err != nil {
				return err
			}
			reason = d.Reason
		}
		if err := moveApplication(ctx, c, a, to, reason, actor); err != nil {
			return err
		}
		out = a
		switch act {
		case grants.ActReview:
			err = notifyReviewers(ctx, c, a)
		case grants.ActDecline:
			err = notifyGrantee(ctx, c, a.OrgID, a.ID, "grant_declined", a.Title, reason)
		case grants.ActWithdraw:
			err = notifyGrantManagers(ctx, c, a.RoundStreetID, a.ID, "grant_withdrawn", a.Title, a.OrgName)
		}
		if err != nil {
			return err
		}
		return record(ctx, c, "grants.application_"+string(act), a.Resource(), map[string]any{"status": to, "reason": reason})
	})
	return out, err
}

// moveApplication changes a's status only if nobody changed it meanwhile.
func moveApplication(ctx context.Context, c conn, a *grants.Application, to grants.State, reason string, actor *accounts.User) error {
	var decided any
	if to == grants.AppAwarded || to == grants.AppDeclined {
		decided = c.now
		a.DecidedAt = c.now
	}
	res, err := c.exec(ctx, `UPDATE grant_applications SET status = ?, award = ?, reason = ?, decided_by = ?,
		decided_at = COALESCE(?, decided_at), updated_at = ? WHERE id = ? AND status = ?`, string(to), a.Award, reason,
		actorID(actor), decided, c.now, a.ID, string(a.Status))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "grants.application_changed")
	}
	a.Status, a.Reason = to, reason
	return nil
}

// ReviewApplication records one reviewer's score or declared conflict of
// interest, once, while the application is submitted or under review.
func (s *Store) ReviewApplication(ctx context.Context, v *grants.Review) error {
	actor := accounts.ActorFrom(ctx)
	if !grants.MayReview(actor) {
		if actor == nil {
			return errs.E(errs.Unauthorized, "auth.required")
		}
		return errs.E(errs.Forbidden, "auth.forbidden")
	}
	if err := v.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		a, err := applicationByID(ctx, c, v.ApplicationID)
		if err != nil {
			return err
		}
		if a.Status != grants.AppSubmitted && a.Status != grants.AppUnderReview {
			return errs.E(errs.Conflict, "grants.review_closed")
		}
		// Staff and reviewers of the organization itself always conflict.
		if !v.Conflict && len(actor.OrgIDs()) > 0 {
			for _, o := range actor.OrgIDs() {
				if o == a.OrgID {
					return errs.Field("conflict", "grants.conflict_own_org")
				}
			}
		}
		v.ReviewerID, v.CreatedAt = actor.ID, c.now
		var score any
		if !v.Conflict {
			score = v.Score
		}
		if _, err := c.exec(ctx, `INSERT INTO grant_reviews (application_id, reviewer_id, conflict, conflict_note, score, comment, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, actor.ID, v.Conflict, v.ConflictNote, score, v.Comment, c.now); err != nil {
			if errs.CodeOf(s.translate(err)) == errs.Conflict {
				return errs.E(errs.Conflict, "grants.already_reviewed")
			}
			return err
		}
		return record(ctx, c, "grants.review", a.Resource(), map[string]any{"conflict": v.Conflict, "score": score})
	})
}

// FindReviews lists an application's reviews (for those who see it privately).
func (s *Store) FindReviews(ctx context.Context, appID string) ([]*grants.Review, error) {
	a, err := applicationByID(ctx, s.read(), appID)
	if err != nil {
		return nil, s.translate(err)
	}
	// Who scored what is for those who decide and audit, not for the
	// applicant (which sees the summary on the application).
	actor := accounts.ActorFrom(ctx)
	if !grants.Manages(actor, a.RoundStreetID) && !grants.MayReview(actor) && !actor.Has(accounts.Auditor) {
		if actor == nil {
			return nil, errs.E(errs.Unauthorized, "auth.required")
		}
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	rows, err := s.read().query(ctx, `SELECT v.application_id, v.reviewer_id, COALESCE(u.name, ''), v.conflict, v.conflict_note,
		COALESCE(v.score, 0), v.comment, v.created_at FROM grant_reviews v LEFT JOIN users u ON u.id = v.reviewer_id
		WHERE v.application_id = ? ORDER BY v.created_at`, appID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*grants.Review
	for rows.Next() {
		v := &grants.Review{}
		if err := rows.Scan(&v.ApplicationID, &v.ReviewerID, &v.ReviewerName, &v.Conflict, &v.ConflictNote, &v.Score, &v.Comment, &v.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, v)
	}
	return out, s.translate(rows.Err())
}

// AwardApplication awards an application under review: amount ≤ request,
// posted from the round's budget to the award (the round's account cannot
// go below zero, so concurrent awards never exceed the budget: the loser
// gets grants.round_budget_exceeded), and makes the agreement with one
// tranche per milestone. The reason is published.
func (s *Store) AwardApplication(ctx context.Context, id string, d grants.Decision) (*grants.Agreement, error) {
	actor := accounts.ActorFrom(ctx)
	var agrID string
	err := s.tx(ctx, func(c conn) error {
		a, err := applicationByID(ctx, c, id)
		if err != nil {
			return err
		}
		if err := visibleApplication(actor, a); err != nil {
			return err
		}
		to, err := grants.ApplicationMachine.Step(actor, grants.Parties{StreetID: a.RoundStreetID, OrgID: a.OrgID}, a.Status, grants.ActAward)
		if err != nil {
			return err
		}
		if err := d.Validate(true, a); err != nil {
			return err
		}
		r, err := roundByID(ctx, c, a.RoundID)
		if err != nil {
			return err
		}
		if r.Status == grants.RoundFinished {
			return errs.E(errs.Conflict, "grants.round_finished")
		}
		a.Award = d.Amount
		if err := moveApplication(ctx, c, a, to, d.Reason, actor); err != nil {
			return err
		}
		p, _, err := grantPost(ctx, c, &ledger.Posting{Key: "award:" + a.ID, Kind: string(grants.PostAward), Amount: d.Amount,
			Reason: "资助决定", Ref: a.ID}, roundAcct(r), appAcct(grants.Award, r.FundID, r.ID, a.ID), "amount", "grants.round_budget_exceeded")
		if err != nil {
			return err
		}
		agrID = newID()
		if _, err := c.exec(ctx, `INSERT INTO grant_agreements (id, application_id, round_id, org_id, amount, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'active', ?, ?)`, agrID, a.ID, r.ID, a.OrgID, d.Amount, c.now, c.now); err != nil {
			return err
		}
		for i, amt := range grants.Split(d.Amount, a.Milestones) {
			m := a.Milestones[i]
			if amt <= 0 {
				continue
			}
			if _, err := c.exec(ctx, `INSERT INTO grant_tranches (id, agreement_id, position, milestone, due_on, amount, status, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`, newID(), agrID, i+1, m.Title, m.Due, amt, c.now); err != nil {
				return err
			}
		}
		if err := notifyGrantee(ctx, c, a.OrgID, a.ID, "grant_awarded", a.Title, grants.FormatFen(d.Amount)); err != nil {
			return err
		}
		return record(ctx, c, "grants.award", a.Resource(), map[string]any{"amount": d.Amount, "request": a.Request,
			"reason": d.Reason, "posting": p.ID, "agreement": agrID})
	})
	if err != nil {
		return nil, err
	}
	return s.FindAgreementByID(ctx, agrID)
}

// ---- Agreements and tranches ----

const agreementSelect = `SELECT g.id, g.application_id, a.title, g.round_id, r.name, r.route, COALESCE(r.street_id, ''), g.org_id,
	o.name, g.amount, g.status, g.created_at,
	COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.from_id = 'award:' || g.application_id AND p.kind = 'tranche'), 0),
	COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.from_id = 'grantee:' || g.application_id AND p.kind = 'expense'), 0)
	FROM grant_agreements g JOIN grant_applications a ON a.id = g.application_id JOIN grant_rounds r ON r.id = g.round_id
	JOIN organizations o ON o.id = g.org_id`

func agreementByID(ctx context.Context, c conn, where string, arg any) (*grants.Agreement, error) {
	g := &grants.Agreement{}
	var route, status string
	err := c.row(ctx, agreementSelect+` WHERE `+where, arg).Scan(&g.ID, &g.ApplicationID, &g.Title, &g.RoundID, &g.RoundName, &route,
		&g.StreetID, &g.OrgID, &g.OrgName, &g.Amount, &status, &g.CreatedAt, &g.Disbursed, &g.Spent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("agreement")
	}
	if err != nil {
		return nil, err
	}
	g.Route, g.Status, g.CreatedAt = grants.Route(route), grants.State(status), g.CreatedAt.UTC()
	rows, err := c.query(ctx, `SELECT id, agreement_id, position, milestone, due_on, amount, status, report, note, posting_id, paid_at
		FROM grant_tranches WHERE agreement_id = ? ORDER BY position`, g.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTranche(rows)
		if err != nil {
			return nil, err
		}
		g.Tranches = append(g.Tranches, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	g.Lines, err = budgetLines(ctx, c, g.ApplicationID)
	return g, err
}

func scanTranche(sc interface{ Scan(...any) error }) (*grants.Tranche, error) {
	t := &grants.Tranche{}
	var status string
	var paid sql.NullTime
	err := sc.Scan(&t.ID, &t.AgreementID, &t.Position, &t.Milestone, &t.DueOn, &t.Amount, &status, &t.Report, &t.Note, &t.PostingID, &paid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("tranche")
	}
	t.Status = grants.State(status)
	if paid.Valid {
		t.PaidAt = paid.Time.UTC()
	}
	return t, err
}

// FindAgreementByID returns an agreement (public: it is an award).
func (s *Store) FindAgreementByID(ctx context.Context, id string) (*grants.Agreement, error) {
	g, err := agreementByID(ctx, s.read(), `g.id = ?`, id)
	return g, s.translate(err)
}

// FindAgreementByApplication returns the agreement of an awarded application.
func (s *Store) FindAgreementByApplication(ctx context.Context, appID string) (*grants.Agreement, error) {
	g, err := agreementByID(ctx, s.read(), `g.application_id = ?`, appID)
	return g, s.translate(err)
}

// trancheAndAgreement loads a tranche and its agreement inside c.
func trancheAndAgreement(ctx context.Context, c conn, id string) (*grants.Tranche, *grants.Agreement, error) {
	var agr string
	if err := c.row(ctx, `SELECT agreement_id FROM grant_tranches WHERE id = ?`, id).Scan(&agr); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, notFound("tranche")
		}
		return nil, nil, err
	}
	g, err := agreementByID(ctx, c, `g.id = ?`, agr)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range g.Tranches {
		if t.ID == id {
			return t, g, nil
		}
	}
	return nil, nil, notFound("tranche")
}

// StepTranche reports a milestone done (the organization), accepts or
// returns it, or cancels the tranche (staff; its money goes back to the
// round).
func (s *Store) StepTranche(ctx context.Context, id string, act grants.Action, text string) (*grants.Tranche, error) {
	if act == grants.ActPay {
		return nil, grants.BadTransition("", act)
	}
	actor := accounts.ActorFrom(ctx)
	text, err := grants.NoteField("note", text, 2000)
	if err != nil {
		return nil, err
	}
	var out *grants.Tranche
	err = s.tx(ctx, func(c conn) error {
		t, g, err := trancheAndAgreement(ctx, c, id)
		if err != nil {
			return err
		}
		if g.Status != grants.AgrActive {
			return errs.E(errs.Conflict, "grants.agreement_closed")
		}
		to, err := grants.TrancheMachine.Step(actor, g.Parties(), t.Status, act)
		if err != nil {
			return err
		}
		if act == grants.ActReport && text == "" {
			return errs.Field("note", "field.required")
		}
		// A milestone sent back without a word leaves the organization
		// guessing what to add: the reason is its note, shown to it.
		if act == grants.ActReturn && text == "" {
			return errs.Field("note", "grants.return_reason_required")
		}
		col := "note"
		if act == grants.ActReport {
			col = "report"
		}
		res, err := c.exec(ctx, `UPDATE grant_tranches SET status = ?, `+col+` = ?, updated_at = ? WHERE id = ? AND status = ?`,
			string(to), text, c.now, t.ID, string(t.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "grants.tranche_changed")
		}
		if act == grants.ActCancel {
			r, err := roundByID(ctx, c, g.RoundID)
			if err != nil {
				return err
			}
			if _, _, err := grantPost(ctx, c, &ledger.Posting{Key: "cancel:" + t.ID, Kind: string(grants.PostRelease), Amount: t.Amount,
				Reason: "拨付批次取消，退回轮次", Ref: t.ID}, appAcct(grants.Award, r.FundID, r.ID, g.ApplicationID), roundAcct(r),
				"amount", "grants.insufficient"); err != nil {
				return err
			}
		}
		t.Status = to
		out = t
		switch act {
		case grants.ActReport:
			err = notifyGrantManagers(ctx, c, g.StreetID, g.ApplicationID, "grant_milestone_reported", g.Title, t.Milestone, g.OrgName)
		case grants.ActAccept:
			err = notifyGrantee(ctx, c, g.OrgID, g.ApplicationID, "grant_milestone_accepted", g.Title, t.Milestone)
		case grants.ActReturn:
			err = notifyGrantee(ctx, c, g.OrgID, g.ApplicationID, "grant_milestone_returned", g.Title, t.Milestone, text)
		case grants.ActCancel:
			err = notifyGrantee(ctx, c, g.OrgID, g.ApplicationID, "grant_tranche_cancelled", g.Title, t.Milestone)
		}
		if err != nil {
			return err
		}
		return record(ctx, c, "grants.tranche_"+string(act), g.Resource(), map[string]any{"tranche": t.ID, "status": to})
	})
	return out, err
}

// PayTranche pays a tranche whose milestone was accepted: a posting from
// the award to the organization. Its key is the tranche's own, so it pays
// once however often and on however many nodes the button is pressed; a
// repeat returns the paid tranche. key is the caller's idempotency key,
// kept with the payment.
func (s *Store) PayTranche(ctx context.Context, id, key string) (*grants.Tranche, error) {
	key = strings.TrimSpace(key)
	actor := accounts.ActorFrom(ctx)
	var out *grants.Tranche
	err := s.tx(ctx, func(c conn) error {
		t, g, err := trancheAndAgreement(ctx, c, id)
		if err != nil {
			return err
		}
		var to grants.State
		if t.Status == grants.TrPaid {
			if !grants.Manages(actor, g.StreetID) {
				return errs.E(errs.Forbidden, "auth.forbidden")
			}
		} else if to, err = grants.TrancheMachine.Step(actor, g.Parties(), t.Status, grants.ActPay); err != nil {
			return err
		}
		if key == "" || len(key) > 100 {
			return errs.Field("idempotency_key", "field.required")
		}
		if t.Status == grants.TrPaid {
			out = t // pressed again: already paid, once
			return nil
		}
		r, err := roundByID(ctx, c, g.RoundID)
		if err != nil {
			return err
		}
		// Take the tranche row first: a concurrent payer waits here and then finds it paid.
		res, err := c.exec(ctx, `UPDATE grant_tranches SET status = ?, pay_key = ?, paid_by = ?, paid_at = ?, updated_at = ?
			WHERE id = ? AND status = ?`, string(to), key, actorID(actor), c.now, c.now, t.ID, string(t.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Pressed on another node at the same moment: if that one paid
			// it, this press is its repeat.
			now, _, err := trancheAndAgreement(ctx, c, t.ID)
			if err == nil && now.Status == grants.TrPaid {
				out = now
				return nil
			}
			return errs.E(errs.Conflict, "grants.tranche_changed")
		}
		p, _, err := grantPost(ctx, c, &ledger.Posting{Key: "tranche:" + t.ID, Kind: string(grants.PostTranche), Amount: t.Amount,
			Reason: "拨付：" + t.Milestone, Ref: t.ID}, appAcct(grants.Award, r.FundID, r.ID, g.ApplicationID),
			appAcct(grants.Grantee, r.FundID, r.ID, g.ApplicationID), "amount", "grants.award_exceeded")
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE grant_tranches SET posting_id = ? WHERE id = ?`, p.ID, t.ID); err != nil {
			return err
		}
		t.Status, t.PostingID, t.PaidAt = to, p.ID, c.now
		out = t
		if err := notifyGrantee(ctx, c, g.OrgID, g.ApplicationID, "grant_tranche_paid", g.Title, t.Milestone, grants.FormatFen(t.Amount)); err != nil {
			return err
		}
		if err := record(ctx, c, "grants.tranche_pay", g.Resource(), map[string]any{"tranche": t.ID, "amount": t.Amount,
			"posting": p.ID, "key": key}); err != nil {
			return err
		}
		// The last tranche paid completes the agreement.
		var open int
		if err := c.row(ctx, `SELECT COUNT(*) FROM grant_tranches WHERE agreement_id = ? AND status NOT IN ('paid', 'cancelled')`, g.ID).Scan(&open); err != nil {
			return err
		}
		if open == 0 {
			if _, err := grants.AgreementMachine.Step(actor, g.Parties(), g.Status, grants.ActComplete); err != nil {
				return err
			}
			if _, err := c.exec(ctx, `UPDATE grant_agreements SET status = 'completed', updated_at = ? WHERE id = ? AND status = 'active'`, c.now, g.ID); err != nil {
				return err
			}
			return record(ctx, c, "grants.agreement_complete", g.Resource(), map[string]any{"agreement": g.ID})
		}
		return nil
	})
	return out, err
}

// TerminateAgreement ends an active agreement early: open tranches are
// cancelled and the unpaid rest of the award goes back to the round.
func (s *Store) TerminateAgreement(ctx context.Context, id, reason string) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		g, err := agreementByID(ctx, c, `g.id = ?`, id)
		if err != nil {
			return err
		}
		to, err := grants.AgreementMachine.Step(actor, g.Parties(), g.Status, grants.ActTerminate)
		if err != nil {
			return err
		}
		if reason, err = grants.NoteField("reason", reason, 500); err != nil {
			return err
		}
		if reason == "" {
			return errs.Field("reason", "field.required")
		}
		res, err := c.exec(ctx, `UPDATE grant_agreements SET status = ?, updated_at = ? WHERE id = ? AND status = 'active'`, string(to), c.now, g.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "grants.agreement_closed")
		}
		if _, err := c.exec(ctx, `UPDATE grant_tranches SET status = 'cancelled', note = ?, updated_at = ?
			WHERE agreement_id = ? AND status IN ('pending', 'reported', 'accepted')`, reason, c.now, g.ID); err != nil {
			return err
		}
		r, err := roundByID(ctx, c, g.RoundID)
		if err != nil {
			return err
		}
		var left int64
		if err := c.row(ctx, `SELECT balance FROM grant_accounts WHERE id = ?`, grants.AccountID(grants.Award, g.ApplicationID)).Scan(&left); err != nil {
			return err
		}
		if left > 0 {
			if _, _, err := grantPost(ctx, c, &ledger.Posting{Key: "terminate:" + g.ID, Kind: string(grants.PostRelease), Amount: left,
				Reason: "协议终止，未拨付部分退回轮次", Ref: g.ID}, appAcct(grants.Award, r.FundID, r.ID, g.ApplicationID), roundAcct(r),
				"amount", "grants.insufficient"); err != nil {
				return err
			}
		}
		if err := notifyGrantee(ctx, c, g.OrgID, g.ApplicationID, "grant_terminated", g.Title, reason); err != nil {
			return err
		}
		return record(ctx, c, "grants.agreement_terminate", g.Resource(), map[string]any{"reason": reason, "released": left})
	})
}

// ---- Expenses ----

// CreateExpense submits an expense against a budget line of an agreement,
// with its receipt files (the documents' rules: types, sizes, count).
// personal marks receipts that show a person's data (hidden publicly).
func (s *Store) CreateExpense(ctx context.Context, e *grants.Expense, files []Upload, personal bool) error {
	actor := accounts.ActorFrom(ctx)
	if err := e.Validate(); err != nil {
		return err
	}
	docs, err := prepareUploads(files)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return errs.Field("file", "grants.receipt_required")
	}
	return s.tx(ctx, func(c conn) error {
		g, err := agreementByID(ctx, c, `g.id = ?`, e.AgreementID)
		if err != nil {
			return err
		}
		if err := accounts.Can(actor, accounts.Create, accounts.Resource{Kind: accounts.KindGrantApplication, OrgID: g.OrgID}); err != nil {
			return err
		}
		if g.Status == grants.AgrTerminated {
			return errs.E(errs.Conflict, "grants.agreement_closed")
		}
		var line *grants.BudgetLine
		for i := range g.Lines {
			if g.Lines[i].ID == e.LineID {
				line = &g.Lines[i]
			}
		}
		if line == nil {
			return errs.Field("line", "invalid.reference_line")
		}
		if line.Spent+e.Amount > line.Amount {
			return errs.Field("amount", "grants.line_exceeded", grants.FormatFen(line.Amount-line.Spent))
		}
		e.ID, e.Category, e.Status, e.AuthorID, e.CreatedAt = newID(), line.Category, grants.ExpSubmitted, actor.ID, c.now
		e.ApprovalsNeeded = grants.ApprovalsNeeded(e.Amount)
		if _, err := c.exec(ctx, `INSERT INTO grant_expenses (id, agreement_id, line_id, category, description, payee, payee_personal,
			amount, spent_on, status, approvals_needed, author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.AgreementID, e.LineID, e.Category, e.Description, e.Payee, e.PayeePersonal, e.Amount, e.SpentOn, string(e.Status),
			e.ApprovalsNeeded, e.AuthorID, c.now, c.now); err != nil {
			return err
		}
		var names []map[string]any
		for _, d := range docs {
			f := grants.File{ID: newID(), Name: d.doc.Name, Type: d.doc.Type, Size: d.doc.Size, SHA256: d.doc.SHA256, Personal: personal}
			if _, err := c.exec(ctx, `INSERT INTO grant_files (id, expense_id, name, mime_type, size, sha256, content, personal,
				uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, e.ID, f.Name, f.Type, f.Size, f.SHA256,
				d.content, personal, actor.ID, c.now); err != nil {
				return err
			}
			e.Files = append(e.Files, f)
			names = append(names, map[string]any{"name": f.Name, "sha256": f.SHA256})
		}
		if err := notifyGrantManagers(ctx, c, g.StreetID, g.ApplicationID, "grant_expense_submitted", g.Title, g.OrgName,
			e.Description, grants.FormatFen(e.Amount)); err != nil {
			return err
		}
		return record(ctx, c, "grants.expense", g.Resource(), map[string]any{"expense": e.ID, "amount": e.Amount,
			"line": e.LineID, "files": names, "approvals_needed": e.ApprovalsNeeded})
	})
}

const expenseSelect = `SELECT e.id, e.agreement_id, e.line_id, e.category, e.description, e.payee, e.payee_personal, e.amount,
	e.spent_on, e.status, e.approvals_needed, e.author_id, e.note, e.posting_id, e.created_at FROM grant_expenses e`

func scanExpense(sc interface{ Scan(...any) error }) (*grants.Expense, error) {
	e := &grants.Expense{}
	var status string
	err := sc.Scan(&e.ID, &e.AgreementID, &e.LineID, &e.Category, &e.Description, &e.Payee, &e.PayeePersonal, &e.Amount,
		&e.SpentOn, &status, &e.ApprovalsNeeded, &e.AuthorID, &e.Note, &e.PostingID, &e.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("expense")
	}
	e.Status, e.CreatedAt = grants.State(status), e.CreatedAt.UTC()
	return e, err
}

// DecideExpense approves or rejects an expense. Its author never decides
// on it, nobody decides twice, and from grants.FourEyesFen two distinct
// approvers are needed; the last approval posts grantee → spent (only
// what was paid out can be spent). Rejections, approvals and the posting
// are audited.
func (s *Store) DecideExpense(ctx context.Context, id string, approve bool, note string) (*grants.Expense, error) {
	actor := accounts.ActorFrom(ctx)
	act := grants.ActApprove
	if !approve {
		act = grants.ActReject
	}
	var out *grants.Expense
	err := s.tx(ctx, func(c conn) error {
		e, err := scanExpense(c.row(ctx, expenseSelect+` WHERE e.id = ?`, id))
		if err != nil {
			return err
		}
		g, err := agreementByID(ctx, c, `g.id = ?`, e.AgreementID)
		if err != nil {
			return err
		}
		to, err := grants.ExpenseMachine.Step(actor, g.Parties(), e.Status, act)
		if err != nil {
			return err
		}
		if note, err = grants.NoteField("note", note, 500); err != nil {
			return err
		}
		if !approve && note == "" {
			return errs.Field("note", "field.required")
		}
		// Lock the expense row before counting decisions: two approvers at
		// once are serialized, and the second sees the first.
		res, err := c.exec(ctx, `UPDATE grant_expenses SET updated_at = ? WHERE id = ? AND status = 'submitted'`, c.now, e.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "grants.expense_changed")
		}
		decided, err := expenseDeciders(ctx, c, e.ID)
		if err != nil {
			return err
		}
		if err := grants.CheckApprover(actor, e, decided); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO grant_expense_decisions (expense_id, approver_id, decision, note, created_at)
			VALUES (?, ?, ?, ?, ?)`, e.ID, actor.ID, string(act), note, c.now); err != nil {
			return err
		}
		approvals := len(decided) + 1 // only approvals were recorded while it stayed submitted
		final := !approve || approvals >= e.ApprovalsNeeded
		data := map[string]any{"expense": e.ID, "decision": act, "approvals": approvals, "needed": e.ApprovalsNeeded}
		if final {
			if approve {
				r, err := roundByID(ctx, c, g.RoundID)
				if err != nil {
					return err
				}
				var line grants.BudgetLine
				for _, l := range g.Lines {
					if l.ID == e.LineID {
						line = l
					}
				}
				if line.Spent+e.Amount > line.Amount {
					return errs.E(errs.Conflict, "grants.line_exceeded", grants.FormatFen(line.Amount-line.Spent))
				}
				p, _, err := grantPost(ctx, c, &ledger.Posting{Key: "expense:" + e.ID, Kind: string(grants.PostExpense), Amount: e.Amount,
					Reason: "支出：" + e.Description, Ref: e.ID}, appAcct(grants.Grantee, r.FundID, r.ID, g.ApplicationID),
					appAcct(grants.Spent, r.FundID, r.ID, g.ApplicationID), "amount", "grants.expense_over_disbursed")
				if err != nil {
					return err
				}
				e.PostingID = p.ID
				data["posting"] = p.ID
			}
			if _, err := c.exec(ctx, `UPDATE grant_expenses SET status = ?, note = ?, posting_id = ?, updated_at = ? WHERE id = ?`,
				string(to), note, e.PostingID, c.now, e.ID); err != nil {
				return err
			}
			e.Status, e.Note = to, note
			if !approve {
				if err := notifyGrantee(ctx, c, g.OrgID, g.ApplicationID, "grant_expense_rejected", g.Title, e.Description,
					grants.FormatFen(e.Amount), note); err != nil {
					return err
				}
			}
		}
		out = e
		return record(ctx, c, "grants.expense_"+string(act), g.Resource(), data)
	})
	return out, err
}

func expenseDeciders(ctx context.Context, c conn, id string) ([]string, error) {
	rows, err := c.query(ctx, `SELECT approver_id FROM grant_expense_decisions WHERE expense_id = ? ORDER BY created_at`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindExpenses lists an agreement's expenses with their approvers' names
// and files (public: personal payees masked, personal receipts marked so
// pages withhold them).
func (s *Store) FindExpenses(ctx context.Context, agreementID string) ([]*grants.Expense, error) {
	out, err := expensesWhere(ctx, s.read(), `e.agreement_id = ?`, agreementID)
	return out, s.translate(err)
}

// FindExpenseByID returns one expense with its approvers and files.
func (s *Store) FindExpenseByID(ctx context.Context, id string) (*grants.Expense, error) {
	out, err := expensesWhere(ctx, s.read(), `e.id = ?`, id)
	if err == nil && len(out) == 0 {
		err = notFound("expense")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	return out[0], nil
}

// expensesWhere reads the expenses that match where (over grant_expenses
// e) with their approvers and files: three statements however many.
func expensesWhere(ctx context.Context, c conn, where string, args ...any) ([]*grants.Expense, error) {
	var out []*grants.Expense
	byID := map[string]*grants.Expense{}
	if err := c.each(ctx, expenseSelect+` WHERE `+where+` ORDER BY e.spent_on, e.created_at`, args, func(sc scanner) error {
		e, err := scanExpense(sc)
		if err != nil {
			return err
		}
		out, byID[e.ID] = append(out, e), e
		return nil
	}); err != nil || len(out) == 0 {
		return out, err
	}
	ids := `(SELECT e.id FROM grant_expenses e WHERE ` + where + `)`
	if err := c.each(ctx, `SELECT d.expense_id, COALESCE(u.name, d.approver_id) FROM grant_expense_decisions d LEFT JOIN users u ON u.id = d.approver_id
		WHERE d.expense_id IN `+ids+` AND d.decision = 'approve' ORDER BY d.expense_id, d.created_at`, args, func(sc scanner) error {
		var id, name string
		if err := sc.Scan(&id, &name); err != nil {
			return err
		}
		byID[id].Approvals = append(byID[id].Approvals, name)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, c.each(ctx, `SELECT expense_id, id, name, mime_type, size, sha256, personal FROM grant_files
		WHERE expense_id IN `+ids+` ORDER BY expense_id, uploaded_at, id`, args, func(sc scanner) error {
		var id string
		var f grants.File
		if err := sc.Scan(&id, &f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256, &f.Personal); err != nil {
			return err
		}
		byID[id].Files = append(byID[id].Files, f)
		return nil
	})
}

// GrantFile returns a receipt file's content: public unless it shows a
// person's data, which only the organization and the staff who approve
// its expenses may open. Auditors and reviewers, who see the file listed,
// are told why it is withheld; anyone else is told it is not there.
func (s *Store) GrantFile(ctx context.Context, id string) (*grants.File, []byte, error) {
	c := s.read()
	f := &grants.File{ID: id}
	var content []byte
	var agr string
	err := c.row(ctx, `SELECT f.name, f.mime_type, f.size, f.sha256, f.personal, f.content, e.agreement_id FROM grant_files f
		JOIN grant_expenses e ON e.id = f.expense_id WHERE f.id = ?`, id).Scan(&f.Name, &f.Type, &f.Size, &f.SHA256, &f.Personal, &content, &agr)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("document")
	}
	if err != nil {
		return nil, nil, s.translate(err)
	}
	if f.Personal {
		g, err := agreementByID(ctx, c, `g.id = ?`, agr)
		if err != nil {
			return nil, nil, s.translate(err)
		}
		actor, res := accounts.ActorFrom(ctx), g.Resource()
		if !accounts.Allowed(actor, accounts.ViewPersonal, res) {
			if accounts.Allowed(actor, accounts.ViewPrivate, res) {
				return nil, nil, errs.E(errs.Forbidden, "grants.file_personal")
			}
			return nil, nil, notFound("document")
		}
	}
	return f, content, nil
}

// ---- Transparency and verification ----

// RoundLedger is a round's public account: every agreement with its
// tranches and expenses, and spending by category.
type RoundLedger struct {
	Round      *grants.RoundRecord
	Agreements []*grants.Agreement
	Expenses   map[string][]*grants.Expense // by agreement id
	ByCategory map[string]int64             // approved expenses
}

// FindRoundLedger assembles a round's transparency page (public).
func (s *Store) FindRoundLedger(ctx context.Context, roundID string) (*RoundLedger, error) {
	r, err := s.FindRoundByID(ctx, roundID)
	if err != nil {
		return nil, err
	}
	out, err := s.FindRoundLedgers(ctx, []*grants.RoundRecord{r})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// FindRoundLedgers assembles the ledgers of rounds already read (a fund's
// page lists all of its rounds'): the same six statements however many
// rounds, agreements and expenses there are.
func (s *Store) FindRoundLedgers(ctx context.Context, rounds []*grants.RoundRecord) ([]*RoundLedger, error) {
	out := make([]*RoundLedger, len(rounds))
	if len(rounds) == 0 {
		return out, nil
	}
	byRound := map[string]*RoundLedger{}
	ids := make([]any, len(rounds))
	for i, r := range rounds {
		out[i] = &RoundLedger{Round: r, Expenses: map[string][]*grants.Expense{}, ByCategory: map[string]int64{}}
		byRound[r.ID], ids[i] = out[i], r.ID
	}
	in := `(` + placeholders(len(ids)) + `)`
	agreementsIn := `(SELECT id FROM grant_agreements WHERE round_id IN ` + in + `)`
	c := s.read()
	err := func() error {
		agreements := map[string]*grants.Agreement{}
		byApp := map[string]*grants.Agreement{}
		if err := c.each(ctx, agreementSelect+` WHERE g.round_id IN `+in+` ORDER BY g.created_at, g.id`, ids, func(sc scanner) error {
			g := &grants.Agreement{}
			var route, status string
			if err := sc.Scan(&g.ID, &g.ApplicationID, &g.Title, &g.RoundID, &g.RoundName, &route,
				&g.StreetID, &g.OrgID, &g.OrgName, &g.Amount, &status, &g.CreatedAt, &g.Disbursed, &g.Spent); err != nil {
				return err
			}
			g.Route, g.Status, g.CreatedAt = grants.Route(route), grants.State(status), g.CreatedAt.UTC()
			agreements[g.ID], byApp[g.ApplicationID] = g, g
			l := byRound[g.RoundID]
			l.Agreements = append(l.Agreements, g)
			l.Expenses[g.ID] = nil
			return nil
		}); err != nil {
			return err
		}
		if len(agreements) == 0 {
			return nil
		}
		if err := c.each(ctx, `SELECT id, agreement_id, position, milestone, due_on, amount, status, report, note, posting_id, paid_at
			FROM grant_tranches WHERE agreement_id IN `+agreementsIn+` ORDER BY agreement_id, position`, ids, func(sc scanner) error {
			t, err := scanTranche(sc)
			if err != nil {
				return err
			}
			g := agreements[t.AgreementID]
			g.Tranches = append(g.Tranches, t)
			return nil
		}); err != nil {
			return err
		}
		if err := c.each(ctx, `SELECT l.application_id, l.id, l.category, l.item, l.amount, COALESCE((SELECT SUM(e.amount) FROM grant_expenses e
			WHERE e.line_id = l.id AND e.status = 'approved'), 0) FROM grant_budget_lines l
			WHERE l.application_id IN (SELECT application_id FROM grant_agreements WHERE round_id IN `+in+`)
			ORDER BY l.application_id, l.position`, ids, func(sc scanner) error {
			var app string
			var l grants.BudgetLine
			if err := sc.Scan(&app, &l.ID, &l.Category, &l.Item, &l.Amount, &l.Spent); err != nil {
				return err
			}
			g := byApp[app]
			g.Lines = append(g.Lines, l)
			return nil
		}); err != nil {
			return err
		}
		expenses, err := expensesWhere(ctx, c, `e.agreement_id IN `+agreementsIn, ids...)
		for _, e := range expenses {
			l := byRound[agreements[e.AgreementID].RoundID]
			l.Expenses[e.AgreementID] = append(l.Expenses[e.AgreementID], e)
			if e.Status == grants.ExpApproved {
				l.ByCategory[e.Category] += e.Amount
			}
		}
		return err
	}()
	if err != nil {
		return nil, s.translate(err)
	}
	return out, nil
}

// GrantsProblem is one thing `grants verify` found wrong.
type GrantsProblem struct {
	Kind   string // account, fund, round, award, tranche
	ID     string
	Detail string
}

// GrantsCheck is what VerifyGrants checked.
type GrantsCheck struct {
	Accounts, Funds, Rounds, Awards int
}

// VerifyGrants checks the money ledger: every account's balance is the sum
// of its postings; every fund's donations are its donation postings; every
// round's reserve is its budget; every award's award posting is the
// awarded amount, what was paid never exceeds it, and every paid tranche
// has its one posting of its amount.
func (s *Store) VerifyGrants(ctx context.Context) ([]GrantsProblem, GrantsCheck, error) {
	var out []GrantsProblem
	var n GrantsCheck
	c := s.read()
	m, accts, err := grantsBook.verify(ctx, c)
	if err != nil {
		return nil, n, s.translate(err)
	}
	n.Accounts = accts
	if m != nil {
		out = append(out, GrantsProblem{"account", m.AccountID, fmt.Sprintf("balance %d, postings %d", m.Balance, m.Sum)})
	}
	checks := []struct {
		kind  string
		count *int
		sql   string
	}{
		{"fund", &n.Funds, `SELECT f.id, COALESCE((SELECT SUM(amount) FROM grant_donations d WHERE d.fund_id = f.id), 0),
			COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.to_id = 'fund:' || f.id AND p.kind = 'donation'), 0)
			FROM grant_funds f ORDER BY f.id`},
		{"round", &n.Rounds, `SELECT r.id, r.budget,
			COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.to_id = 'round:' || r.id AND p.kind = 'reserve'), 0)
			FROM grant_rounds r ORDER BY r.id`},
		{"award", &n.Awards, `SELECT a.id, a.award,
			COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.to_id = 'award:' || a.id AND p.kind = 'award'), 0)
			FROM grant_applications a WHERE a.status = 'awarded' ORDER BY a.id`},
		{"disbursed", nil, `SELECT a.id, a.award,
			a.award + COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.from_id = 'award:' || a.id AND p.kind = 'tranche'), 0)
			FROM grant_applications a WHERE a.status = 'awarded' AND a.award <
			COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.from_id = 'award:' || a.id AND p.kind = 'tranche'), 0)`},
		{"tranche", nil, `SELECT t.id, t.amount, COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.ref_id = t.id AND p.kind = 'tranche'), 0)
			FROM grant_tranches t WHERE (t.status = 'paid') <> (t.posting_id <> '') OR t.status = 'paid' AND t.amount <>
			COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.ref_id = t.id AND p.kind = 'tranche'), 0)`},
		{"expense", nil, `SELECT e.id, e.amount, COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.ref_id = e.id AND p.kind = 'expense'), 0)
			FROM grant_expenses e WHERE (e.status = 'approved' AND e.amount <>
			COALESCE((SELECT SUM(p.amount) FROM grant_postings p WHERE p.ref_id = e.id AND p.kind = 'expense'), 0))
			OR (e.status <> 'approved' AND e.posting_id <> '')`},
	}
	for _, ch := range checks {
		rows, err := c.query(ctx, ch.sql)
		if err != nil {
			return nil, n, s.translate(err)
		}
		for rows.Next() {
			var id string
			var want, got int64
			if err := rows.Scan(&id, &want, &got); err != nil {
				rows.Close()
				return nil, n, s.translate(err)
			}
			if ch.count != nil {
				*ch.count++
			}
			if ch.count == nil || want != got {
				out = append(out, GrantsProblem{ch.kind, id, fmt.Sprintf("recorded %d, postings %d", want, got)})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, n, s.translate(err)
		}
	}
	return out, n, nil
}
