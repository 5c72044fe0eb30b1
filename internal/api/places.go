package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/places"
)

type streetJSON struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	District      string `json:"district"`
	Communities   int    `json:"communities"`
	Organizations int    `json:"organizations"`
	CreatedAt     string `json:"created_at"`
}

type streetList struct {
	Items []streetJSON `json:"items"`
	Total int          `json:"total"`
}

// listStreets: GET /api/v1/streets, every street with its counts.
func (a *API) listStreets(w http.ResponseWriter, r *http.Request) error {
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	streets, err := a.store.FindStreetsCounted(r.Context())
	if err != nil {
		return err
	}
	out := streetList{Items: make([]streetJSON, 0, len(streets)), Total: len(streets)}
	for _, s := range streets {
		out.Items = append(out.Items, streetJSON{ID: s.ID, Name: s.Name, Kind: s.Kind, District: s.District,
			Communities: s.Communities, Organizations: s.Organizations, CreatedAt: rfc3339(s.CreatedAt)})
	}
	return writeJSON(w, http.StatusOK, out)
}

type communityJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	StreetID  string `json:"street_id"`
	Street    string `json:"street"`
	Complexes int    `json:"complexes"`
	CreatedAt string `json:"created_at"`
}

type communityList struct {
	Items []communityJSON `json:"items"`
	Total int             `json:"total"`
}

// listCommunities: GET /api/v1/communities[?street=id or name].
func (a *API) listCommunities(w http.ResponseWriter, r *http.Request) error {
	p := readParams(r.URL, "street")
	var st *places.Street
	if s := p.str("street"); s != "" {
		var err error
		st, err = a.resolveStreet(r.Context(), s)
		if err := p.add(err); err != nil {
			return err
		}
	}
	if err := p.l.Err(); err != nil {
		return err
	}
	streetID := ""
	if st != nil {
		streetID = st.ID
	}
	list, err := a.store.FindCommunities(r.Context(), streetID)
	if err != nil {
		return err
	}
	out := communityList{Items: make([]communityJSON, 0, len(list)), Total: len(list)}
	for _, c := range list {
		out.Items = append(out.Items, communityJSON{ID: c.ID, Name: c.Name, StreetID: c.StreetID,
			Street: c.StreetName, Complexes: c.Complexes, CreatedAt: rfc3339(c.CreatedAt)})
	}
	return writeJSON(w, http.StatusOK, out)
}
