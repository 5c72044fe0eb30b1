module github.com/huitian/huitian

go 1.26.0

require (
	github.com/chromedp/cdproto v0.159.0 // browser tests drive Debian's Chromium
	github.com/chromedp/chromedp v0.23.0 // browser tests drive Debian's Chromium
	github.com/go-ego/gse v0.80.3 // Chinese word segmentation with an embedded dictionary (search query word boundaries); the standard library and x/text have no segmenter
	github.com/go-webauthn/webauthn v0.18.2 // passkeys (WebAuthn) for residents: the ceremonies' CBOR, COSE keys and attestation checks are security code the standard library does not have and we should not write
	github.com/google/uuid v1.6.0 // UUIDv7 ids: time-ordered for indexes, not guessable like sequences
	github.com/jackc/pgx/v5 v5.13.0 // PostgreSQL driver behind database/sql, so one SQL code base serves both databases
	github.com/prometheus/client_golang v1.25.0 // /metrics: the standard exposition format and Go runtime collectors
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // tests only: validate OCDS output against the draft-04 OCDS schemas; the standard library has no JSON Schema validator
	github.com/schollz/progressbar/v3 v3.19.1 // progress bar for long imports in a terminal
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e // check-in QR codes drawn as PNG on the server (no JS on the phone); the standard library has no QR encoder, and its one-call Encode is simpler than yeqown/go-qrcode's writer pipeline
	github.com/wcharczuk/go-chart/v2 v2.1.2 // dashboard charts drawn as SVG on the server (no JS, scales to a phone); v2.1.2 is the newest the module proxy serves; the standard library has no charting
	github.com/xuri/excelize/v2 v2.11.1 // xlsx import/export: staff trade the registry as Excel workbooks; the standard library has no OOXML reader or writer
	golang.org/x/crypto v0.59.0 // argon2id password hashing
	golang.org/x/term v0.48.0 // show the progress bar only when stderr is a terminal
	golang.org/x/text v0.44.0 // pinyin collation keys for sorting Chinese names (CLDR zh)
	modernc.org/sqlite v1.62.0 // embedded default database in pure Go: no cgo, one static binary
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/fxamacker/cbor/v2 v2.9.4 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/go-viper/mapstructure/v2 v2.5.0 // indirect
	github.com/go-webauthn/x v0.3.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/golang/freetype v0.0.0-20170609003504-e2365dfdc4a0 // indirect
	github.com/google/go-tpm v0.9.8 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/philhofer/fwd v1.2.0 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/richardlehane/mscfb v1.0.9 // indirect
	github.com/richardlehane/msoleps v1.0.6 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	github.com/tiendc/go-deepcopy v1.7.2 // indirect
	github.com/tinylib/msgp v1.6.4 // indirect
	github.com/vcaesar/cedar v0.20.2 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	github.com/xuri/efp v0.0.3-0.20260924042702-217b81952dec // indirect
	github.com/xuri/nfp v0.0.2-0.20250530014748-2ddeb826f9a9 // indirect
	golang.org/x/image v0.44.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)
