package api

import "net/http"

// anonymousWrites are the only changes a caller without a token may send:
// asking for and checking a sign-in code. Every other change needs a token
// before its body is read, so a stranger learns nothing from validation
// errors (SECURITY.md).
var anonymousWrites = map[string]bool{
	http.MethodPost + " " + Prefix + "/auth/code":   true,
	http.MethodPost + " " + Prefix + "/auth/verify": true,
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
