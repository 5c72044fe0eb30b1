package ocds

import "embed"

// ExtensionFiles is the local extension — extension.json, release-schema.json,
// codelists/ and the README — for the API to serve at the ExtensionURL's
// folder (OCDS tools fetch extension.json, then the files it names beside it).
//
//go:embed extension/extension.json extension/release-schema.json extension/codelists/*.csv extension/README.md
var ExtensionFiles embed.FS
