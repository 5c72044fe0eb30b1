package api

import (
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/incubation"
)

// TestAPIOpenAPIIncubationSchemas keeps the incubation schemas and enums in
// step with the Go types and the incubation package.
func TestAPIOpenAPIIncubationSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{
		"Space": spaceJSON{}, "SpaceList": spaceList{}, "BookingIn": bookingIn{}, "Booking": bookingJSON{},
		"Session": sessionJSON{}, "Course": courseJSON{}, "CourseList": courseList{}, "EnrollmentIn": enrollmentIn{},
		"Enrollment": enrollmentJSON{}, "Certificate": certificateJSON{},
	})
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
