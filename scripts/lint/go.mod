// Tools module that pins staticcheck and deadcode for .ci/run (issue 18):
// its own go.mod keeps their dependencies out of the main module.
module infra/scripts/lint

go 1.26.6

require (
	golang.org/x/tools v0.40.1-0.20260108161641-ca281cf95054
	honnef.co/go/tools v0.7.0
)

require (
	github.com/BurntSushi/toml v1.4.1-0.20240526193622-a339e1f7089c // indirect
	golang.org/x/exp/typeparams v0.0.0-20231108232855-2478ac86f678 // indirect
	golang.org/x/mod v0.31.0 // indirect
	golang.org/x/sync v0.19.0 // indirect
	golang.org/x/sys v0.39.0 // indirect
	golang.org/x/telemetry v0.0.0-20251203150158-8fff8a5912fc // indirect
)
