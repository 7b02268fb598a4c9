package rules

import (
	"fmt"
	"strings"
)

// reservedSource is why names under the reserved domains cannot work.
const reservedSource = "RFC 2606 and RFC 6761 (example.com, example.net, example.org and the .example, .test, .invalid, .localhost TLDs are reserved: no registry delegates them); Route 53 answers CreateHostedZone for example.com with InvalidDomainName (aws-samples pull request #126)"

// reservedDomain says whether a DNS name is, or lies under, a domain RFC
// 2606 reserves, and which.
func reservedDomain(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	for _, d := range []string{"example.com", "example.net", "example.org", "example", "test", "invalid", "localhost"} {
		if n == d || strings.HasSuffix(n, "."+d) {
			return d, true
		}
	}
	return "", false
}

// isReserved says whether a DNS name lies under an RFC 2606 domain.
func isReserved(name string) bool {
	_, bad := reservedDomain(name)
	return bad
}

// checkReserved finds reserved example domains where a real API needs a
// real one: a Route 53 hosted zone (rejected, and nobody could delegate to
// it) and an account's root e-mail address (accepted, but no mailbox can
// exist there, so the root user can never be recovered or verified).
func checkReserved(typ string, inputs map[string]any) []Violation {
	var out []Violation
	add := func(prop string, sev Severity, format string, args ...any) {
		out = append(out, Violation{Type: typ, Property: prop, Rule: RuleReservedDomain, Source: reservedSource,
			Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	switch typ {
	case "aws:route53/zone:Zone":
		if name, ok := inputs["name"].(string); ok && !unknown(name) {
			if d, bad := reservedDomain(name); bad {
				add("name", Error, "InvalidDomainName: %s is under the reserved domain %s; use a domain you own", name, d)
			}
		}
	case "aws:organizations/account:Account":
		if email, ok := inputs["email"].(string); ok && !unknown(email) {
			if _, host, found := strings.Cut(email, "@"); found {
				if d, bad := reservedDomain(host); bad {
					add("email", Warning, "%s is under the reserved domain %s: no mailbox can exist there, so the account's root user cannot receive mail (password reset, verification)", email, d)
				}
			}
		}
	}
	return out
}
