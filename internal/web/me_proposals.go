package web

import (
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/store"
)

type meProposalsData struct {
	Proposals []store.OwnProposal
	Now       time.Time
}

// meProposals lists the proposals of the viewer's organizations with where
// each one stands.
func (a *app) meProposals(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	props, err := a.Store.FindOwnProposals(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &meProposalsData{Proposals: props, Now: a.Store.Now()}
	a.render(w, r, "me_proposals.html", http.StatusOK, a.newPage(w, r, "me.proposals", d))
}
