package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// A new account's services activate some time after the account itself:
// CreateAccount "can return a successful completion message even though
// account initialization might still be in progress. You might need to
// wait a few minutes before you can successfully access the account"
// (Organizations API Reference, CreateAccount). Until then the services
// answer with these codes, and only these mean "not yet": the probe waits
// them out and fails at once on any other refusal.
var notYetReady = map[string]string{
	// EC2 API Reference, "Error codes for the Amazon EC2 API", common
	// client errors: "If you are new to AWS, it may take some time for
	// your account to be activated"; and the Common Errors of every
	// service's API reference (KMS's included): "The AWS access key ID
	// needs a subscription for the service", HTTP 403.
	"OptInRequired": "the service is not yet activated for the account",
	// EC2 API Reference, same page: "Your account is pending
	// verification. Until the verification process is complete, you may
	// not be able to carry out requests with this account."
	"PendingVerification": "the account is pending verification",
	// S3 API Reference, "Error responses", list of error codes: "Your
	// account is not signed up for the Amazon S3 service", 403.
	"NotSignedUp": "S3 is not yet activated for the account",
}

// transient codes say nothing about the account: the call is tried again,
// as the SDKs' standard retryer does (EC2 RequestLimitExceeded, S3 SlowDown,
// the common Throttling* and 5xx codes).
var transient = []string{
	"Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
	"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable",
	"KMSInternalException", "DependencyTimeoutException",
}

// deniedCodes are the services' "not allowed" answers: a permission the
// role lacks, or a deny in an SCP. Neither is a new account's wait.
var deniedCodes = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}

// serviceProbe is one read call that shows a service usable in one region
// of the account, with the permission it needs.
type serviceProbe struct {
	service, region string
}

// permission is the IAM action the probe's call needs.
func (p serviceProbe) permission() string {
	switch p.service {
	case "ec2":
		return "ec2:DescribeAvailabilityZones"
	case "kms":
		return "kms:ListKeys"
	}
	return "s3:ListAllMyBuckets"
}

func (p serviceProbe) String() string { return p.permission() + " in " + p.region }

// serviceProbes are the calls that show the account usable for what its
// stacks do first: S3 and KMS in the home region (the landing zone's
// public access block, the trail's bucket and key), and EC2 and KMS in every
// region the account's regional stacks deploy to (VPCs, EKS and its
// secrets key). Sorted, without duplicates.
func serviceProbes(home string, regions []string) []serviceProbe {
	out := []serviceProbe{{"s3", home}, {"kms", home}}
	for _, r := range regions {
		out = append(out, serviceProbe{"ec2", r}, serviceProbe{"kms", r})
	}
	slices.SortFunc(out, func(a, b serviceProbe) int {
		return strings.Compare(a.region+" "+a.service, b.region+" "+b.service)
	})
	return slices.Compact(out)
}

// refusedError is a refusal that waiting does not cure: the probe stops.
type refusedError struct{ error }

func (e refusedError) Unwrap() error { return e.error }

// checkServices makes each probe not yet done with the assumed session's
// credentials and marks those that answered. It returns the first probe's
// failure: a refusedError when the answer is no "not yet".
func checkServices(ctx context.Context, client aws.HTTPClient, creds aws.Credentials, probes []serviceProbe, done map[serviceProbe]bool) error {
	for _, p := range probes {
		if done[p] {
			continue
		}
		if err := callService(ctx, client, creds, p); err != nil {
			return err
		}
		done[p] = true
	}
	return nil
}

// callService makes p's call, signed with the SDK's SigV4 signer over
// net/http: three read calls do not justify the EC2, S3 and KMS SDK
// modules (EC2's is one of the SDK's largest), and only the error code
// matters.
func callService(ctx context.Context, client aws.HTTPClient, creds aws.Credentials, p serviceProbe) error {
	base := "https://" + p.service + "." + p.region + "." + dnsSuffix(p.region)
	if accountReadyEndpoint != "" {
		base = accountReadyEndpoint
	}
	var req *http.Request
	var body string
	var err error
	switch p.service {
	case "ec2":
		// EC2 API Reference, DescribeAvailabilityZones (Query API).
		body = "Action=DescribeAvailabilityZones&Version=2016-11-15"
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
	case "kms":
		// KMS API Reference, ListKeys (JSON 1.1 protocol).
		body = `{"Limit":1}`
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
		}
	default:
		// S3 API Reference, ListBuckets.
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	if p.service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hash) // S3 requires it on every signed request
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, p.service, p.region, time.Now()); err != nil {
		return fmt.Errorf("%s: sign: %w", p, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		// no answer (DNS, connection): nothing known about the account yet
		return fmt.Errorf("%s: %s", p, redact(err.Error(), creds))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	code, msg := errorCode(answer, resp.Header.Get("X-Amzn-Errortype"))
	msg = redact(msg, creds)
	switch {
	case notYetReady[code] != "":
		return fmt.Errorf("%s: %s (%s: %s)", p, notYetReady[code], code, msg)
	case slices.Contains(transient, code), resp.StatusCode >= 500:
		return fmt.Errorf("%s: HTTP %d %s: %s", p, resp.StatusCode, code, msg)
	}
	if code == "" {
		code = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return refusedError{fmt.Errorf("%s was refused with %s, which is no new account's wait: %s%s", p, code, msg, hint(p, code))}
}

// hint says what to look at for a refusal, the SCP first: the role infra
// creates in a new account is an administrator, so a denied read is an SCP
// on the account's OU (or a role that is not infra's).
func hint(p serviceProbe, code string) string {
	switch {
	case slices.Contains(deniedCodes, code):
		s := fmt.Sprintf("; the role needs %s in %s, and no service control policy on the account's OU or above may deny it (an SCP that restricts regions must allow %s)",
			p.permission(), p.region, p.region)
		if code == "UnauthorizedOperation" {
			s += "; EC2 encodes the deciding policy: `aws sts decode-authorization-message` shows it"
		}
		return s
	case code == "AuthFailure", code == "InvalidClientTokenId", code == "UnrecognizedClientException":
		return fmt.Sprintf("; if %s is an opt-in region, enable it for the account (Account Management API, EnableRegion)", p.region)
	}
	return ""
}

// errorCode reads a service's error code and message: EC2's Query errors
// (<Response><Errors><Error><Code>), S3's REST errors (<Error><Code>), or a
// JSON protocol's {"__type", "message"} (KMS). A code may come namespaced
// (aws.protocoltests#Code, Code:http://...): only the name is kept.
func errorCode(body []byte, typeHeader string) (code, msg string) {
	var j struct {
		Type     string `json:"__type"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	if json.Unmarshal(body, &j) == nil {
		code, msg = j.Type, j.Message+j.MessageU
	} else {
		d := xml.NewDecoder(strings.NewReader(string(body)))
		for code == "" || msg == "" {
			tok, err := d.Token()
			if err != nil {
				break
			}
			if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "Code" || se.Name.Local == "Message") {
				var s string
				if d.DecodeElement(&s, &se) == nil {
					if se.Name.Local == "Code" && code == "" {
						code = s
					} else if se.Name.Local == "Message" && msg == "" {
						msg = s
					}
				}
			}
		}
	}
	if code == "" {
		code = typeHeader
	}
	if i := strings.LastIndex(code, "#"); i >= 0 {
		code = code[i+1:]
	}
	code, _, _ = strings.Cut(code, ":")
	return strings.TrimSpace(code), strings.TrimSpace(msg)
}

// redact keeps the session's credentials out of what a service or the
// transport said, should either echo them.
func redact(s string, creds aws.Credentials) string {
	for _, c := range []string{creds.SecretAccessKey, creds.SessionToken, creds.AccessKeyID} {
		if c != "" {
			s = strings.ReplaceAll(s, c, "[redacted]")
		}
	}
	return s
}

// dnsSuffix is the DNS domain of AWS's regional endpoints in region's
// partition (AWS General Reference, "Service endpoints").
func dnsSuffix(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// probeRefused tells a refusal from a "not yet".
func probeRefused(err error) bool {
	var r refusedError
	return errors.As(err, &r)
}
