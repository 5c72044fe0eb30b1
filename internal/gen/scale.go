// Package gen makes believable Huitian data in bulk for `huitian gen`:
// organizations with valid credit codes, residents, merchants, completed
// projects with ratings, needs in every state with their proposals,
// volunteer activities and points postings, at the size of one street, a
// district or a city.
//
// Everything is a pure function of the seed, the run's anchor time and the
// row's number: row i of a unit is the same on every run, so an interrupted
// load resumes at the first batch it had not committed, and the rows refer
// to each other (a project to its organization) by computing the other's id
// instead of reading it back. No SQL here: the store writes the rows.
package gen

import (
	"fmt"
	"strings"
)

// Version names this generator's output: a run is resumed only by the
// same version (another would make other rows and ids). Raise it with any
// change to what a seed generates.
const Version = 1

// Unit is one kind of generated row, loaded in batches.
type Unit string

const (
	Orgs       Unit = "orgs"
	Residents  Unit = "residents"
	Merchants  Unit = "merchants"
	Projects   Unit = "projects"
	Needs      Unit = "needs"
	Activities Unit = "activities"
	Postings   Unit = "postings"
)

// Units lists every unit, in the order of Phases.
var Units = []Unit{Orgs, Residents, Merchants, Projects, Needs, Activities, Postings}

// Phases say what may be loaded at the same time: a phase's lanes run side
// by side, each lane's units one after the other, and a phase starts when
// the one before has finished. Later units refer to earlier ones (projects
// to organizations and residents, postings to residents' and merchants'
// accounts); postings and projects, the two largest, share no table.
var Phases = [][][]Unit{
	{{Orgs, Residents, Merchants}},
	{{Projects, Needs, Activities}, {Postings}},
}

// Label is the unit's name on the progress line.
func (u Unit) Label() string {
	return map[Unit]string{Orgs: "组织 organizations", Residents: "居民 residents", Merchants: "商户 merchants",
		Projects: "已完成项目 completed projects", Needs: "需求 needs", Activities: "活动 activities",
		Postings: "积分流水 points postings"}[u]
}

// Scale is how many of each unit a run makes.
type Scale struct {
	Name                                                              string
	Orgs, Residents, Merchants, Projects, Needs, Activities, Postings int
}

// Scales are the sizes `huitian gen --scale` offers. A street is about one
// street office of 回天; a district all of Changping's; a city the order of
// magnitude of Beijing's community organizations and their history.
var Scales = []Scale{
	{Name: "street", Orgs: 200, Residents: 5_000, Merchants: 40, Projects: 2_000, Needs: 300, Activities: 300, Postings: 50_000},
	{Name: "district", Orgs: 10_000, Residents: 100_000, Merchants: 500, Projects: 100_000, Needs: 5_000, Activities: 5_000, Postings: 1_000_000},
	{Name: "city", Orgs: 100_000, Residents: 1_000_000, Merchants: 2_000, Projects: 1_000_000, Needs: 20_000, Activities: 20_000, Postings: 10_000_000},
}

// testScale is small enough for the tests on both databases; not in the usage.
var testScale = Scale{Name: "test", Orgs: 40, Residents: 150, Merchants: 6, Projects: 120, Needs: 80, Activities: 20, Postings: 900}

// ScaleByName returns the named scale.
func ScaleByName(name string) (Scale, error) {
	for _, s := range append(Scales[:len(Scales):len(Scales)], testScale) {
		if s.Name == name {
			return s, nil
		}
	}
	var names []string
	for _, s := range Scales {
		names = append(names, s.Name)
	}
	return Scale{}, fmt.Errorf("未知规模 %q，可选：%s / unknown scale", name, strings.Join(names, "|"))
}

// Total is how many rows of u the scale makes.
func (s Scale) Total(u Unit) int {
	switch u {
	case Orgs:
		return s.Orgs
	case Residents:
		return s.Residents
	case Merchants:
		return s.Merchants
	case Projects:
		return s.Projects
	case Needs:
		return s.Needs
	case Activities:
		return s.Activities
	case Postings:
		return s.Postings
	}
	return 0
}

// BatchSize is how many rows of u one transaction writes by default: about
// five to ten thousand table rows per commit whatever the unit.
func BatchSize(u Unit) int {
	switch u {
	case Projects:
		return 500 // ten table rows each
	case Needs:
		return 300
	case Orgs, Residents:
		return 1_500 // four table rows each
	case Postings:
		return 5_000
	}
	return 1_000
}
