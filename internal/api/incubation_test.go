package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestAPIIncubation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		ctx := storetest.Admin()
		base := &incubation.Base{Name: "回龙观街道社会组织孵化基地", StreetID: f.st1.ID}
		if err := s.CreateBase(ctx, base); err != nil {
			t.Fatal(err)
		}
		var week incubation.Week
		for i := range week {
			week[i] = incubation.DayHours{Open: 8 * 60, Close: 21 * 60}
		}
		room := &incubation.Space{BaseID: base.ID, Name: "一号会议室", Kind: incubation.MeetingRoom, Capacity: 12, Hours: week,
			Audience: incubation.StreetOrgs}
		if err := s.CreateSpace(ctx, room); err != nil {
			t.Fatal(err)
		}
		decode := func(body string) map[string]any {
			var m map[string]any
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			return m
		}
		w := f.do(t, request{method: "GET", path: "/api/v1/spaces"})
		if w.Code != 200 || num(decode(w.Body.String())["total"]) != 1 {
			t.Fatalf("spaces: %d %s", w.Code, w.Body)
		}
		sp := arr(decode(w.Body.String())["items"])[0].(map[string]any)
		if str(sp["kind"]) != "meeting_room" || len(arr(sp["hours"])) != 7 || str(arr(sp["hours"])[1]) != "08:00-21:00" {
			t.Fatalf("space: %v", sp)
		}
		day := time.Now().In(incubation.Zone).AddDate(0, 0, 1)
		at := func(h, m int) string {
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, incubation.Zone).Format(time.RFC3339)
		}
		body := fmt.Sprintf(`{"start":%q,"end":%q,"org_id":%q,"attendees":4}`, at(10, 0), at(11, 0), f.orgs["o1"].ID)
		path := "/api/v1/spaces/" + room.ID + "/bookings"
		if w := f.do(t, request{method: "POST", path: path, body: body}); w.Code != 401 {
			t.Fatalf("anonymous: %d", w.Code)
		}
		w = f.do(t, request{method: "POST", path: path, as: "orgadmin1", body: body})
		if w.Code != 201 {
			t.Fatalf("book: %d %s", w.Code, w.Body)
		}
		booking := decode(w.Body.String())
		if str(booking["status"]) != "active" || str(booking["start"]) == "" {
			t.Fatalf("booking: %v", booking)
		}
		// Overlapping by half an hour: 409 with the stable code.
		overlap := fmt.Sprintf(`{"start":%q,"end":%q,"org_id":%q}`, at(10, 30), at(11, 30), f.orgs["o1"].ID)
		w = f.do(t, request{method: "POST", path: path, as: "member1", body: overlap})
		if e := decode(w.Body.String())["error"].(map[string]any); w.Code != 409 || str(e["code"]) != "conflict" || !hasHan(str(e["message"])) {
			t.Fatalf("overlap: %d %s", w.Code, w.Body)
		}
		w = f.do(t, request{method: "POST", path: path, as: "orgadmin1", body: `{"start":"tomorrow","end":""}`})
		if w.Code != 400 {
			t.Fatalf("bad times: %d %s", w.Code, w.Body)
		}
		other := fmt.Sprintf(`{"start":%q,"end":%q,"org_id":%q}`, at(14, 0), at(15, 0), f.orgs["o4"].ID)
		if w := f.do(t, request{method: "POST", path: path, as: "orgadmin1", body: other}); w.Code != 403 {
			t.Fatalf("booking for another org: %d", w.Code)
		}
		if w := f.do(t, request{method: "DELETE", path: "/api/v1/bookings/" + str(booking["id"]), as: "orgadmin2"}); w.Code != 403 {
			t.Fatalf("stranger cancels: %d", w.Code)
		}
		if w := f.do(t, request{method: "DELETE", path: "/api/v1/bookings/" + str(booking["id"]), as: "orgadmin1"}); w.Code != 204 {
			t.Fatalf("cancel: %d %s", w.Code, w.Body)
		}
		if w := f.do(t, request{method: "POST", path: path, as: "member1", body: overlap}); w.Code != 201 {
			t.Fatalf("the freed slot: %d %s", w.Code, w.Body)
		}

		co := &incubation.Course{Title: "社会组织法律合规", Topic: incubation.TopicLegal}
		if err := s.CreateCourse(ctx, co); err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(30 * time.Minute).Truncate(time.Minute)
		se := &incubation.Session{CourseID: co.ID, Teacher: "赵律师", Place: "区孵化基地", Start: start, End: start.Add(2 * time.Hour), Capacity: 1}
		if err := s.CreateCourseSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		w = f.do(t, request{method: "GET", path: "/api/v1/courses"})
		courses := arr(decode(w.Body.String())["items"])
		if w.Code != 200 || len(courses) != 1 || len(arr(courses[0].(map[string]any)["sessions"])) != 1 {
			t.Fatalf("courses: %d %s", w.Code, w.Body)
		}
		epath := "/api/v1/sessions/" + se.ID + "/enrollments"
		w = f.do(t, request{method: "POST", path: epath, as: "orgadmin1", body: fmt.Sprintf(`{"org_id":%q,"person":"王秀兰"}`, f.orgs["o1"].ID)})
		if w.Code != 201 {
			t.Fatalf("enroll: %d %s", w.Code, w.Body)
		}
		enr := decode(w.Body.String())
		w = f.do(t, request{method: "POST", path: epath, as: "orgadmin2", body: fmt.Sprintf(`{"org_id":%q,"person":"李明"}`, f.orgs["o2"].ID)})
		if w.Code != 409 || !strings.Contains(w.Body.String(), `"conflict"`) {
			t.Fatalf("full: %d %s", w.Code, w.Body)
		}
		cert, err := s.MarkAttendance(ctx, str(enr["id"]), incubation.Present, incubation.MethodList)
		if err != nil {
			t.Fatal(err)
		}
		w = f.do(t, request{method: "GET", path: "/api/v1/certificates/" + cert})
		c := decode(w.Body.String())
		if w.Code != 200 || str(c["person"]) != "王**" || str(c["course"]) != co.Title || str(c["verify_path"]) != "/academy/certificates/"+cert {
			t.Fatalf("certificate: %d %s", w.Code, w.Body)
		}
		if w := f.do(t, request{method: "GET", path: "/api/v1/certificates/" + cert, as: "member1"}); !strings.Contains(w.Body.String(), "王秀兰") {
			t.Fatalf("own certificate: %s", w.Body)
		}
		if w := f.do(t, request{method: "GET", path: "/api/v1/certificates/nope"}); w.Code != http.StatusNotFound {
			t.Fatalf("unknown certificate: %d", w.Code)
		}
	})
}
