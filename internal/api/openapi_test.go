package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	return doc
}

// checkSchemas asserts that each named component schema lists exactly the
// JSON fields of its Go type (types maps a schema name to a zero value).
func checkSchemas(t *testing.T, schemas map[string]any, types map[string]any) {
	t.Helper()
	for name, v := range types {
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		var got, want []string
		for k := range s["properties"].(map[string]any) {
			got = append(got, k)
		}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			want = append(want, jsonName(rt.Field(i)))
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has %v, the Go type %v", name, got, want)
		}
	}
}

// TestAPIOpenAPIMatchesRoutes walks the mux's routes and the document's paths:
// every route is registered and documented, and nothing else is documented.
func TestAPIOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The mux only routes here; no handler runs, so an unopened store will do.
	a := New(Deps{Store: &store.Store{}, Catalog: cat}).(*API)
	inCode := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if inCode[key] {
			t.Errorf("route %s twice", key)
		}
		inCode[key] = true
		r := httptest.NewRequest(rt.Method, strings.ReplaceAll(rt.Path, "{id}", "some-id"), nil)
		if _, pattern := a.mux.Handler(r); pattern != key {
			t.Errorf("%s: the mux routes it to %q", key, pattern)
		}
	}
	doc := loadDoc(t)
	inDoc := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				inDoc[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for k := range inCode {
		if !inDoc[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range inDoc {
		if !inCode[k] {
			t.Errorf("openapi.json documents %s, which is not a route", k)
		}
	}
}

// TestAPIOpenAPISchemasMatchCode keeps the document's schemas and enums in step
// with the Go types the handlers encode and decode.
func TestAPIOpenAPISchemasMatchCode(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	props := func(name string) []string {
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Fatalf("no schema %s", name)
		}
		var out []string
		for k := range s["properties"].(map[string]any) {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	for name, v := range map[string]any{
		"Organization": organizationJSON{}, "OrganizationCreate": organizationCreate{}, "OrganizationPatch": organizationPatch{},
		"OrganizationList": organizationList{}, "Street": streetJSON{}, "StreetList": streetList{},
		"Community": communityJSON{}, "CommunityList": communityList{}, "Me": meJSON{}, "Role": grantJSON{},
		"Error": errorBody{},
		"Need":  needJSON{}, "NeedList": needList{}, "NeedCreate": needCreate{}, "NeedPatch": needPatch{},
		"Criterion": criterionJSON{}, "CriterionIn": criterionIn{}, "OrgRef": orgRefJSON{}, "Event": eventJSON{},
		"StepBody": stepBody{}, "Question": questionJSON{}, "QuestionList": questionList{}, "QuestionAsk": questionAsk{},
		"Answer": answerBody{}, "Proposal": proposalJSON{}, "ProposalList": proposalList{}, "ProposalSubmit": proposalSubmit{},
		"PanelMember": panelMemberJSON{}, "PanelList": panelList{}, "PanelAssign": panelAssign{},
		"InterestDeclaration": interestDeclaration{}, "ScoreIn": scoreIn{}, "ScoreSheet": scoreSheet{},
		"ScoresSaved": scoresSaved{}, "CriterionScore": criterionScoreJSON{}, "Ranked": rankedJSON{}, "Ranking": rankingList{},
		"Award": awardJSON{}, "AwardDecision": awardDecision{}, "Objection": objectionJSON{}, "ObjectionList": objectionList{},
		"Text": textBody{}, "Milestone": milestoneJSON{}, "Contract": contractJSON{}, "MilestoneIn": milestoneIn{},
		"ContractIn": contractIn{}, "Document": documentJSON{}, "DocumentList": documentList{}, "Report": reportJSON{},
		"Comment": commentBody{}, "RatingIn": ratingIn{}, "Rating": ratingJSON{}, "RatingList": ratingList{},
		"MatchItem": matchItem{}, "MatchList": matchList{}, "NeedMatches": needMatches{}, "CreditIn": creditIn{},
		"Credit": creditJSON{}, "CategoryIn": categoryIn{},
		"Activity": activityJSON{}, "ActivityList": activityList{}, "ActivityCreate": activityCreate{},
		"Signup": signupJSON{}, "SignupIn": signupIn{}, "CheckinIn": checkinIn{}, "Checkin": checkinJSON{},
	} {
		var fields []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			fields = append(fields, jsonName(rt.Field(i)))
		}
		sort.Strings(fields)
		if got := props(name); !slices.Equal(got, fields) {
			t.Errorf("schema %s has %v, the Go type %v", name, got, fields)
		}
	}
	enum := func(name string) []string {
		var out []string
		for _, v := range schemas[name].(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	strs := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	checks := map[string][]string{
		"NeedStatus":       strs(len(procurement.Statuses), func(i int) string { return string(procurement.Statuses[i]) }),
		"Procedure":        strs(len(procurement.Procedures), func(i int) string { return string(procurement.Procedures[i]) }),
		"Qualification":    strs(len(procurement.Qualifications), func(i int) string { return string(procurement.Qualifications[i]) }),
		"ProposalStatus":   {"submitted", "withdrawn", "awarded", "not_awarded", "under_review"},
		"MilestoneStatus":  {"pending", "reported", "accepted", "returned"},
		"Registration":     strs(len(registry.Registrations), func(i int) string { return string(registry.Registrations[i]) }),
		"PartyForm":        strs(len(registry.PartyForms), func(i int) string { return string(registry.PartyForms[i]) }),
		"Category":         strs(len(registry.Categories), func(i int) string { return registry.Categories[i].Code }),
		"CreditStatus":     {string(store.CreditNormal), string(store.CreditAbnormal), string(store.CreditSerious)},
		"OrganizationKind": strs(len(registry.Kinds), func(i int) string { return string(registry.Kinds[i]) }),
		"ActivityType":     strs(len(activities.Types), func(i int) string { return string(activities.Types[i]) }),
		"ActivityStatus":   strs(len(activities.Statuses), func(i int) string { return string(activities.Statuses[i]) }),
		"Eligibility":      strs(len(activities.Eligibilities), func(i int) string { return string(activities.Eligibilities[i]) }),
		"SignupStatus":     {string(activities.SignedUp), string(activities.Waiting), string(activities.Withdrawn)},
	}
	for name, want := range checks {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("enum %s: %v, code %v", name, got, want)
		}
	}
	var actions []string
	for _, tr := range procurement.Transitions {
		if !slices.Contains(actions, string(tr.Action)) {
			actions = append(actions, string(tr.Action))
		}
	}
	if got := enum("Action"); !sameSet(got, actions) {
		t.Errorf("enum Action: %v, the state machine's %v", got, actions)
	}
	if got, want := listParams(t, doc, "/api/v1/activities"), []string{"community", "from", "org", "page", "per_page", "status", "street", "to", "type"}; !slices.Equal(got, want) {
		t.Errorf("activity list parameters %v, handler reads %v", got, want)
	}
	needParams := listParams(t, doc, "/api/v1/needs")
	if want := []string{"category", "community", "max_fen", "min_fen", "page", "per_page", "procedure", "q", "status", "street"}; !slices.Equal(needParams, want) {
		t.Errorf("need list parameters %v, handler reads %v", needParams, want)
	}
	role := schemas["Role"].(map[string]any)["properties"].(map[string]any)["role"].(map[string]any)
	if got := jsonText(role["enum"]); got != jsonText(strs(len(accounts.Roles), func(i int) string { return string(accounts.Roles[i]) })) {
		t.Errorf("role enum %s", got)
	}
	list := doc["paths"].(map[string]any)["/api/v1/organizations"].(map[string]any)["get"].(map[string]any)
	var params []string
	for _, p := range list["parameters"].([]any) {
		m := p.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			params = append(params, strings.TrimPrefix(ref, "#/components/parameters/"))
			continue
		}
		params = append(params, m["name"].(string))
		if m["name"] == "sort" {
			if got := jsonText(m["schema"].(map[string]any)["enum"]); got != jsonText(registry.SortKeys) {
				t.Errorf("sort enum %s, code %v", got, registry.SortKeys)
			}
		}
	}
	sort.Strings(params)
	want := []string{"category", "community", "credit_code", "domain", "key", "page", "party_form", "per_page", "q",
		"registration", "sort", "street"}
	if !slices.Equal(params, want) {
		t.Errorf("list parameters %v, handler reads %v", params, want)
	}
	perPage := doc["components"].(map[string]any)["parameters"].(map[string]any)["per_page"].(map[string]any)["schema"].(map[string]any)
	if perPage["maximum"] != float64(registry.MaxPerPage) || perPage["default"] != float64(defaultPerPage) {
		t.Errorf("per_page schema %v", perPage)
	}
	page := doc["components"].(map[string]any)["parameters"].(map[string]any)["page"].(map[string]any)["schema"].(map[string]any)
	if page["maximum"] != float64(maxPage) {
		t.Errorf("page schema %v", page)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// listParams returns the sorted names of a GET path's query parameters.
func listParams(t *testing.T, doc map[string]any, path string) []string {
	t.Helper()
	op := doc["paths"].(map[string]any)[path].(map[string]any)["get"].(map[string]any)
	var params []string
	for _, p := range op["parameters"].([]any) {
		m := p.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			params = append(params, strings.TrimPrefix(ref, "#/components/parameters/"))
			continue
		}
		params = append(params, m["name"].(string))
	}
	sort.Strings(params)
	return params
}

// TestAPIOpenAPIRefsResolve checks every $ref names a component that exists.
func TestAPIOpenAPIRefsResolve(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				var cur any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := cur.(map[string]any)
					cur = m[part]
				}
				if cur == nil {
					t.Errorf("unresolved $ref %s", ref)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(doc)
}

func TestAPIRedact(t *testing.T) {
	t.Parallel()
	got := redact(`insert failed: phone 13812345678 token ht_0123abcd`)
	if strings.Contains(got, "13812345678") || strings.Contains(got, "0123abcd") || !strings.Contains(got, "138****5678") {
		t.Fatalf("redact: %s", got)
	}
}

func TestAPIDecodeErrorNamesTheField(t *testing.T) {
	t.Parallel()
	a := &API{maxBody: 1 << 10}
	cases := []struct {
		body, field, key string
	}{
		{`{"staff":1.5}`, "staff", "api.body_wrong_type"},
		{`{"domains":"养老"}`, "domains", "api.body_wrong_type"},
		{`{"nope":1}`, "nope", "api.body_unknown_field"},
		{`{"name":"a\u0000"}`, "name", "api.body_nul"},
		{` `, "", "api.body_empty"},
		{`{"name":"a",}`, "", "api.body_syntax"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body))
		var in organizationCreate
		err := a.decode(httptest.NewRecorder(), r, &in)
		e := asErr(err)
		if e == nil || e.Field != c.field || e.Key != c.key {
			t.Errorf("%s: %v", c.body, err)
		}
	}
	if got := jsonTypeOf(&organizationPatch{}, "domains"); got != "array of string" {
		t.Errorf("domains type %q", got)
	}
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

func asErr(err error) *errs.Error {
	if err == nil {
		return nil
	}
	return errs.As(err)
}
