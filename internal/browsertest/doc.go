// Package browsertest drives the whole Huitian site in Debian's Chromium:
// the journeys a platform admin, street and community staff, an
// organization and a resident take through the pages, on a fresh demo
// database. It holds only tests; the screenshots they take illustrate the
// user guides in docs/ (HUITIAN_SCREENSHOTS=docs/screenshots refreshes them).
package browsertest
