package api

import (
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

type milestoneJSON struct {
	ID        string                      `json:"id"`
	Position  int                         `json:"position"`
	Title     string                      `json:"title"`
	Due       string                      `json:"due"`
	AmountFen int64                       `json:"amount_fen"`
	Status    procurement.MilestoneStatus `json:"status"`
	Comment   string                      `json:"comment"`
}

func milestoneOut(m procurement.Milestone) milestoneJSON {
	return milestoneJSON{ID: m.ID, Position: m.Position, Title: m.Title, Due: rfc3339(m.Due), AmountFen: m.AmountFen,
		Status: m.Status, Comment: maskPhones(m.Comment)}
}

// contractJSON is the published contract with its milestones.
type contractJSON struct {
	NeedID     string          `json:"need_id"`
	AmountFen  int64           `json:"amount_fen"`
	Start      string          `json:"start"`
	End        string          `json:"end"`
	Amendment  string          `json:"amendment"`
	SignedAt   string          `json:"signed_at"`
	Milestones []milestoneJSON `json:"milestones"`
}

type milestoneIn struct {
	Title     string `json:"title"`
	Due       string `json:"due"`
	AmountFen int64  `json:"amount_fen"`
}

// contractIn is the POST body: the amount equals the award unless an
// amendment says why; start, end and each milestone's due are RFC 3339.
type contractIn struct {
	AmountFen  int64         `json:"amount_fen"`
	Start      string        `json:"start"`
	End        string        `json:"end"`
	Amendment  string        `json:"amendment"`
	Milestones []milestoneIn `json:"milestones"`
}

// signContract: POST /api/v1/needs/{id}/contract (the street, after the
// objection period with every objection answered) → 201.
func (a *API) signContract(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in contractIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var l errs.List
	k := &procurement.Contract{AmountFen: in.AmountFen, Amendment: in.Amendment,
		Start: parseTime(&l, "start", in.Start), End: parseTime(&l, "end", in.End)}
	for _, m := range in.Milestones {
		k.Milestones = append(k.Milestones, procurement.Milestone{Title: m.Title, AmountFen: m.AmountFen,
			Due: parseTime(&l, "milestones", m.Due)})
	}
	if err := l.Err(); err != nil {
		return err
	}
	if err := a.store.SignContract(r.Context(), id, k); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/needs/"+id+"/contract")
	return a.writeContract(w, r, http.StatusCreated, id)
}

// getContract: GET /api/v1/needs/{id}/contract (public with its need).
func (a *API) getContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	return a.writeContract(w, r, http.StatusOK, id)
}

func (a *API) writeContract(w http.ResponseWriter, r *http.Request, status int, needID string) error {
	k, err := a.store.FindContract(r.Context(), needID)
	if err != nil {
		return err
	}
	out := contractJSON{NeedID: k.NeedID, AmountFen: k.AmountFen, Start: rfc3339(k.Start), End: rfc3339(k.End),
		Amendment: k.Amendment, SignedAt: rfc3339(k.SignedAt), Milestones: make([]milestoneJSON, 0, len(k.Milestones))}
	for _, m := range k.Milestones {
		out.Milestones = append(out.Milestones, milestoneOut(m))
	}
	return writeJSON(w, status, out)
}

// documentJSON describes a file with its hash; url downloads it.
type documentJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	UploadedAt string `json:"uploaded_at"`
	URL        string `json:"url"`
}

// reportJSON is a progress report on a milestone.
type reportJSON struct {
	ID          string         `json:"id"`
	NeedID      string         `json:"need_id"`
	MilestoneID string         `json:"milestone_id"`
	Text        string         `json:"text"`
	At          string         `json:"at"`
	Files       []documentJSON `json:"files"`
}

// maxReportMemory is how much of a multipart report is held in memory; the
// rest of the files wait in temporary files until the report is stored.
const maxReportMemory = 8 << 20

// reportMilestone: POST /api/v1/needs/{id}/milestones/{mid}/report — the
// supplier reports progress, as JSON {"text"} or as multipart/form-data
// with a text field and any number of files fields → 201.
func (a *API) reportMilestone(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	mid, err := pathID(r, "mid", "milestone")
	if err != nil {
		return err
	}
	text, files, err := a.readReport(w, r)
	if err != nil {
		return err
	}
	rep, err := a.store.ReportProgress(r.Context(), id, mid, text, files)
	if err != nil {
		return err
	}
	out := reportJSON{ID: rep.ID, NeedID: rep.NeedID, MilestoneID: rep.MilestoneID, Text: rep.Text, At: rfc3339(rep.At),
		Files: make([]documentJSON, 0, len(rep.Files))}
	for _, d := range rep.Files {
		out.Files = append(out.Files, documentOut(d))
	}
	return writeJSON(w, http.StatusCreated, out)
}

func documentOut(d procurement.Document) documentJSON {
	return documentJSON{ID: d.ID, Name: d.Name, Type: d.Type, Size: d.Size, SHA256: d.SHA256,
		UploadedAt: rfc3339(d.Uploaded), URL: Prefix + "/documents/" + d.ID}
}

// readReport reads a report's text and files from JSON or multipart/form-data.
func (a *API) readReport(w http.ResponseWriter, r *http.Request) (string, []store.Upload, error) {
	multipart, err := bodyKind(r)
	if err != nil {
		return "", nil, err
	}
	if !multipart {
		var in textBody
		if err := a.decode(w, r, &in); err != nil {
			return "", nil, err
		}
		return in.Text, nil, nil
	}
	values, files, err := a.readMultipart(w, r, "text")
	return values["text"], files, err
}

// readPart reads one uploaded file, refusing one larger than a document may be.
func readPart(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > store.MaxDocumentBytes {
		return nil, errs.Field("file", "document.too_large", fh.Filename, store.MaxDocumentBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, errs.Wrap(err, "open uploaded file")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, store.MaxDocumentBytes+1))
	if err != nil {
		return nil, errs.Wrap(err, "read uploaded file")
	}
	return b, nil
}

func unsupportedType() error {
	return withStatus{errs.E(errs.Invalid, "api.content_type"), http.StatusUnsupportedMediaType}
}

// acceptMilestone: POST /api/v1/needs/{id}/milestones/{mid}/accept — the
// community accepts a reported milestone → the milestone.
func (a *API) acceptMilestone(w http.ResponseWriter, r *http.Request) error {
	return a.decideMilestone(w, r, false)
}

// returnMilestone: POST /api/v1/needs/{id}/milestones/{mid}/return
// {"comment"} — the community sends it back → the milestone.
func (a *API) returnMilestone(w http.ResponseWriter, r *http.Request) error {
	return a.decideMilestone(w, r, true)
}

type commentBody struct {
	Comment string `json:"comment"`
}

func (a *API) decideMilestone(w http.ResponseWriter, r *http.Request, back bool) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	mid, err := pathID(r, "mid", "milestone")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if back {
		var in commentBody
		if err := a.decode(w, r, &in); err != nil {
			return err
		}
		err = a.store.ReturnMilestone(ctx, id, mid, in.Comment)
	} else {
		if err := a.decodeOptional(w, r, &struct{}{}); err != nil {
			return err
		}
		err = a.store.AcceptMilestone(ctx, id, mid)
	}
	if err != nil {
		return err
	}
	ms, err := a.store.FindMilestones(ctx, id)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == mid {
			return writeJSON(w, http.StatusOK, milestoneOut(m))
		}
	}
	return errs.E(errs.NotFound, "notfound.milestone")
}

// deliver: POST /api/v1/needs/{id}/deliver — the supplier declares the work
// done (every milestone accepted) → the need.
func (a *API) deliver(w http.ResponseWriter, r *http.Request) error {
	id, err := a.needAction(w, r, nil)
	if err != nil {
		return err
	}
	if err := a.store.Deliver(r.Context(), id); err != nil {
		return err
	}
	return a.writeNeed(w, r, http.StatusOK, id)
}

// acceptDelivery: POST /api/v1/needs/{id}/accept {"comment"?,
// "beneficiaries"?} — the community's acceptance (验收) → the need.
func (a *API) acceptDelivery(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Comment       string `json:"comment"`
		Beneficiaries int    `json:"beneficiaries"`
	}
	id, err := a.needAction(w, r, &in)
	if err != nil {
		return err
	}
	if err := a.store.AcceptDelivery(r.Context(), id, in.Comment, in.Beneficiaries); err != nil {
		return err
	}
	return a.writeNeed(w, r, http.StatusOK, id)
}

// rejectDelivery: POST /api/v1/needs/{id}/reject {"comment"} — the
// community sends delivered work back → the need.
func (a *API) rejectDelivery(w http.ResponseWriter, r *http.Request) error {
	var in commentBody
	id, err := a.needAction(w, r, &in)
	if err != nil {
		return err
	}
	if err := a.store.RejectDelivery(r.Context(), id, in.Comment); err != nil {
		return err
	}
	return a.writeNeed(w, r, http.StatusOK, id)
}

// needAction reads the signed-in caller, the need id and an optional body
// (nil: the body must be empty or {}).
func (a *API) needAction(w http.ResponseWriter, r *http.Request, body any) (string, error) {
	if _, err := requireActor(r); err != nil {
		return "", err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return "", err
	}
	if body == nil {
		body = &struct{}{}
	}
	return id, a.decodeOptional(w, r, body)
}

// ratingIn is the POST body: 1–5 stars and an optional comment.
type ratingIn struct {
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
}

// ratingJSON is a rating as the public sees it: the rater masked (张**),
// phone numbers in the comment masked.
type ratingJSON struct {
	Rater   string `json:"rater"`
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
	At      string `json:"at"`
}

type ratingList struct {
	Items   []ratingJSON `json:"items"`
	Count   int          `json:"count"`
	Average float64      `json:"average"`
}

// rateNeed: POST /api/v1/needs/{id}/ratings — the caller's satisfaction
// with an accepted project; rating again replaces it → 200 and the ratings.
func (a *API) rateNeed(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in ratingIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if err := a.store.RateNeed(r.Context(), id, in.Stars, in.Comment); err != nil {
		return err
	}
	return a.writeRatings(w, r, id)
}

// listRatings: GET /api/v1/needs/{id}/ratings, newest first.
func (a *API) listRatings(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	return a.writeRatings(w, r, id)
}

func (a *API) writeRatings(w http.ResponseWriter, r *http.Request, needID string) error {
	list, err := a.store.FindRatings(r.Context(), needID)
	if err != nil {
		return err
	}
	out := ratingList{Items: make([]ratingJSON, 0, len(list)), Count: len(list)}
	sum := 0
	for _, rt := range list {
		out.Items = append(out.Items, ratingJSON{Rater: rt.Rater, Stars: rt.Stars, Comment: maskPhones(rt.Comment),
			At: rfc3339(rt.At)})
		sum += rt.Stars
	}
	if len(list) > 0 {
		out.Average = round2(float64(sum) / float64(len(list)))
	}
	return writeJSON(w, http.StatusOK, out)
}

// getDocument: GET /api/v1/documents/{id} — the file's bytes. A document is
// as public as its need; a proposal's follows the proposal's sealing. One
// the caller may not read is not found, like one that does not exist.
func (a *API) getDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "document")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	d, content, err := a.store.FindDocument(r.Context(), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", d.Type)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.Name))
	if sum, err := hex.DecodeString(d.SHA256); err == nil {
		h.Set("ETag", `"`+d.SHA256+`"`)
		h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(content)
	}
	return nil
}
