package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huitian/huitian/internal/store"
)

type meNotificationsData struct {
	Notifications []store.Notification
	Total, Unread int
	Page, PerPage int
	Query         url.Values
}

// meNotifications lists the viewer's notifications, newest first.
func (a *app) meNotifications(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	d := &meNotificationsData{Page: max(page, 1), PerPage: 30, Query: q}
	var err error
	if d.Notifications, d.Total, d.Unread, err = a.Store.FindNotifications(r.Context(), d.Page, d.PerPage); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "me_notifications.html", http.StatusOK, a.newPage(w, r, "me.notifications", d))
}

// meNotificationsRead marks one notification (id) or all of them read.
func (a *app) meNotificationsRead(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.MarkNotificationsRead(r.Context(), r.PostFormValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/me/notifications", "")
}
