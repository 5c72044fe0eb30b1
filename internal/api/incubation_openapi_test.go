package api

import (
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/huitian/huitian/internal/incubation"
)

// TestAPIOpenAPIIncubationSchemas keeps the incubation schemas and enums in
// step with the Go types and the incubation package.
func TestAPIOpenAPIIncubationSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, v := range map[string]any{
		"Space": spaceJSON{}, "SpaceList": spaceList{}, "BookingIn": bookingIn{}, "Booking": bookingJSON{},
		"Session": sessionJSON{}, "Course": courseJSON{}, "CourseList": courseList{}, "EnrollmentIn": enrollmentIn{},
		"Enrollment": enrollmentJSON{}, "Certificate": certificateJSON{},
	} {
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
	enum := func(name string) []string {
		var out []string
		for _, v := range schemas[name].(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	var kinds, audiences, topics []string
	for _, k := range incubation.SpaceKinds {
		kinds = append(kinds, string(k))
	}
	for _, a := range incubation.Audiences {
		audiences = append(audiences, string(a))
	}
	for _, tp := range incubation.Topics {
		topics = append(topics, string(tp))
	}
	for name, want := range map[string][]string{"SpaceKind": kinds, "Audience": audiences, "CourseTopic": topics} {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("enum %s: %v, code %v", name, got, want)
		}
	}
}
