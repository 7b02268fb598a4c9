package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// fakeAWS answers, on one endpoint, what the probe calls in each service's
// own protocol, telling them apart by the SigV4 credential scope
// (KEY/date/REGION/SERVICE/aws4_request):
//   - STS AssumeRole and GetCallerIdentity, Query protocol (STS API
//     Reference; errors are an ErrorResponse document). AssumeRole fails
//     its first assumeFailures calls with AccessDenied (a role
//     Organizations has not finished creating), and GetCallerIdentity its
//     first identityFailures calls; identityFailures < 0 fails every call.
//   - EC2 DescribeAvailabilityZones, Query protocol, errors as
//     <Response><Errors><Error> (EC2 API Reference, "Error codes").
//   - KMS ListKeys, JSON 1.1, errors as {"__type", "message"}.
//   - S3 ListBuckets, REST, errors as <Error> (S3 API Reference, "Error
//     responses").
//
// answers["SERVICE REGION"] lists the errors the service gives its first
// calls there, in order, then it answers; forever["SERVICE REGION"] is an
// error it always gives. It records each service call and the access key
// that signed it.
type fakeAWS struct {
	mu                               sync.Mutex
	assumeFailures, identityFailures int
	assumeCalls, identityCalls       int
	account                          string
	identityKeys                     []string
	answers                          map[string][]fakeError
	forever                          map[string]fakeError
	calls                            []string // "SERVICE REGION", in call order
	serviceKeys, serviceTokens       []string
}

// fakeError is an error answer: HTTP status, code and message.
type fakeError struct {
	status        int
	code, message string
}

const (
	fakeAssumedKey    = "ASIAFAKEASSUMEDKEY01"
	fakeAssumedSecret = "fake-assumed-secret-never-logged"
	fakeAssumedToken  = "fake-token"
)

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Authorization: AWS4-HMAC-SHA256 Credential=KEY/date/region/service/aws4_request, ...
	cred, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="), ",")
	scope := strings.Split(cred, "/")
	if len(scope) != 5 {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	key, region, service := scope[0], scope[2], scope[3]
	if service == "sts" {
		f.sts(w, r, key)
		return
	}
	where := service + " " + region
	f.calls = append(f.calls, where)
	f.serviceKeys = append(f.serviceKeys, key)
	f.serviceTokens = append(f.serviceTokens, r.Header.Get("X-Amz-Security-Token"))
	var ok bool
	switch service {
	case "ec2":
		ok = r.Method == http.MethodPost && r.Form.Get("Action") == "DescribeAvailabilityZones" && r.Form.Get("Version") == "2016-11-15"
	case "kms":
		ok = r.Method == http.MethodPost && r.Header.Get("X-Amz-Target") == "TrentService.ListKeys"
	case "s3":
		ok = r.Method == http.MethodGet && r.URL.Path == "/" && r.Header.Get("X-Amz-Content-Sha256") != ""
	}
	if !ok {
		http.Error(w, "unexpected "+service+" request "+r.Method+" "+r.URL.String(), http.StatusBadRequest)
		return
	}
	e, fail := f.forever[where]
	if q := f.answers[where]; !fail && len(q) > 0 {
		e, fail, f.answers[where] = q[0], true, q[1:]
	}
	switch {
	case fail && service == "kms":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(e.status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, e.code, e.message)
	case fail && service == "ec2":
		w.WriteHeader(e.status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>req</RequestID></Response>`, e.code, e.message)
	case fail:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(e.status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><RequestId>req</RequestId></Error>`, e.code, e.message)
	case service == "kms":
		fmt.Fprint(w, `{"Keys":[],"Truncated":false}`)
	case service == "ec2":
		fmt.Fprint(w, `<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req</requestId><availabilityZoneInfo/></DescribeAvailabilityZonesResponse>`)
	default:
		fmt.Fprint(w, `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets/></ListAllMyBucketsResult>`)
	}
}

func (f *fakeAWS) sts(w http.ResponseWriter, r *http.Request, key string) {
	w.Header().Set("Content-Type", "text/xml")
	fail := func(code, msg string) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req</RequestId></ErrorResponse>`, code, msg)
	}
	switch r.Form.Get("Action") {
	case "AssumeRole":
		f.assumeCalls++
		if f.assumeCalls <= f.assumeFailures {
			fail("AccessDenied", "User is not authorized to perform: sts:AssumeRole on resource: "+r.Form.Get("RoleArn"))
			return
		}
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>2100-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>%s/%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			fakeAssumedKey, fakeAssumedSecret, fakeAssumedToken, r.Form.Get("RoleArn"), r.Form.Get("RoleSessionName"), r.Form.Get("RoleSessionName"))
	case "GetCallerIdentity":
		f.identityCalls++
		f.identityKeys = append(f.identityKeys, key)
		if f.identityFailures < 0 || f.identityCalls <= f.identityFailures {
			fail("InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:sts::%s:assumed-role/infra-deployer/infra-account-ready</Arn><UserId>AROAFAKE:infra-account-ready</UserId><Account>%s</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, f.account, f.account)
	default:
		http.Error(w, "unexpected action "+r.Form.Get("Action"), http.StatusBadRequest)
	}
}

const (
	testAccount = "210987654321"
	testRole    = "arn:aws:iam::210987654321:role/infra-deployer"
)

// useFakeAWS points the probe at a fake with the caller's credentials in
// the environment, shortens its waits, and restores all on cleanup.
func useFakeAWS(t *testing.T, fake *fakeAWS, timeout time.Duration) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAFAKECALLERKEY001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-caller-secret-never-logged")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	srv := httptest.NewServer(fake)
	timeoutWas, waitWas, endpointWas := AccountReadyTimeout, AccountReadyFirstWait, accountReadyEndpoint
	t.Cleanup(func() {
		srv.Close()
		AccountReadyTimeout, AccountReadyFirstWait, accountReadyEndpoint = timeoutWas, waitWas, endpointWas
	})
	AccountReadyFirstWait, AccountReadyTimeout, accountReadyEndpoint = time.Millisecond, timeout, srv.URL
}

// probeInputs are an AccountReady's inputs, with home region us-east-1.
func probeInputs(regions ...string) resource.PropertyMap {
	in := resource.PropertyMap{
		"accountId": resource.NewStringProperty(testAccount),
		"roleArn":   resource.NewStringProperty(testRole),
		"region":    resource.NewStringProperty("us-east-1"),
	}
	if regions != nil {
		in["regions"] = resource.NewPropertyValue(regions)
	}
	return in
}

// noCredentialIn fails the test if err holds any credential, the caller's
// or the assumed session's.
func noCredentialIn(t *testing.T, err error) {
	t.Helper()
	for _, secret := range []string{fakeAssumedSecret, fakeAssumedKey, fakeAssumedToken, "AKIAFAKECALLERKEY001", "fake-caller-secret-never-logged"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds a credential: %v", err)
		}
	}
}

// TestAccountReadyRetries: the probe waits out a role that is not yet
// assumable and a session STS does not yet accept, calls GetCallerIdentity
// with the assumed credentials (not the caller's), and gives up after the
// bound with an error that names the account and the role and holds no
// credential.
func TestAccountReadyRetries(t *testing.T) {
	for _, tc := range []struct {
		name                             string
		assumeFailures, identityFailures int
		wrongAccount                     bool
		timeout                          time.Duration
		wantErr, wantHint                string
		wantAssume, wantIdentity         int
	}{
		{name: "usable at once", wantAssume: 1, wantIdentity: 1},
		{name: "role assumable after 3 refusals", assumeFailures: 3, wantAssume: 4, wantIdentity: 1},
		{name: "session accepted after 2 refusals", identityFailures: 2, wantAssume: 3, wantIdentity: 3},
		{name: "both", assumeFailures: 2, identityFailures: 1, wantAssume: 4, wantIdentity: 2},
		{name: "never assumable", assumeFailures: 1 << 30, timeout: 500 * time.Millisecond,
			wantErr:  "account 210987654321 is not usable within 500ms through role arn:aws:iam::210987654321:role/infra-deployer: sts:AssumeRole",
			wantHint: "only the landing zone's pipeline principal"},
		{name: "never accepted", identityFailures: -1, timeout: 500 * time.Millisecond,
			wantErr: "account 210987654321 is not usable within 500ms through role arn:aws:iam::210987654321:role/infra-deployer: sts:GetCallerIdentity in the account"},
		{name: "another account", wrongAccount: true, timeout: 500 * time.Millisecond,
			wantErr: `the role's session is in account "999999999999", not 210987654321`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeAWS{assumeFailures: tc.assumeFailures, identityFailures: tc.identityFailures, account: testAccount}
			if tc.wrongAccount {
				fake.account = "999999999999"
			}
			timeout := time.Minute
			if tc.timeout > 0 {
				timeout = tc.timeout
			}
			useFakeAWS(t, fake, timeout)
			in := probeInputs()
			out, err := accountReady(context.Background(), nil, in)
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if hinted := strings.Contains(err.Error(), "pipeline principal"); hinted != (tc.wantHint != "") {
					t.Errorf("err = %v: the pipeline hint is there: %v, want %v", err, hinted, tc.wantHint != "")
				}
				noCredentialIn(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !out.DeepEquals(in) {
				t.Errorf("outputs = %v, want the inputs", out)
			}
			if fake.assumeCalls != tc.wantAssume || fake.identityCalls != tc.wantIdentity {
				t.Errorf("calls: AssumeRole %d, GetCallerIdentity %d; want %d, %d",
					fake.assumeCalls, fake.identityCalls, tc.wantAssume, tc.wantIdentity)
			}
			for _, k := range fake.identityKeys {
				if k != fakeAssumedKey {
					t.Errorf("GetCallerIdentity signed with %q, want the assumed role's key %q", k, fakeAssumedKey)
				}
			}
		})
	}
}

// TestAccountReadyNeedsItsInputs: a missing input is refused before any
// call.
func TestAccountReadyNeedsItsInputs(t *testing.T) {
	_, err := accountReady(context.Background(), nil, resource.PropertyMap{"accountId": resource.NewStringProperty("210987654321")})
	if err == nil || !strings.Contains(err.Error(), "accountId, roleArn and region are required") {
		t.Fatalf("err = %v", err)
	}
}

// TestAccountReadyProbesServices: with the assumed session, the probe reads
// from S3 and KMS in the home region and from EC2 and KMS in exactly the
// regions it is given; it waits out the codes AWS documents for a new
// account's services (OptInRequired, PendingVerification, NotSignedUp) and
// throttling, asks again only what has not answered, gives up after the
// bound, and fails at once on a refusal, naming the call, the region and
// where to look, with no credential in the error.
func TestAccountReadyProbesServices(t *testing.T) {
	home := []string{"kms us-east-1", "s3 us-east-1"}
	both := []string{"ec2 eu-west-1", "kms eu-west-1", "ec2 us-east-1", "kms us-east-1", "s3 us-east-1"}
	optIn := fakeError{http.StatusForbidden, "OptInRequired", "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe."}
	echo := fakeError{http.StatusForbidden, "UnauthorizedOperation",
		"You are not authorized to perform this operation. Session " + fakeAssumedKey + " token " + fakeAssumedToken + " secret " + fakeAssumedSecret}
	for _, tc := range []struct {
		name     string
		regions  []string
		answers  map[string][]fakeError
		forever  map[string]fakeError
		timeout  time.Duration
		wantErr  []string
		want     []string // the service calls, in order
		wantRole int      // AssumeRole calls
	}{
		{name: "ready at once", regions: []string{"us-east-1", "eu-west-1"}, want: both, wantRole: 1},
		{name: "no regional stack: home only", want: home, wantRole: 1},
		{name: "a region twice is probed once", regions: []string{"eu-west-1", "eu-west-1"},
			want: []string{"ec2 eu-west-1", "kms eu-west-1", "kms us-east-1", "s3 us-east-1"}, wantRole: 1},
		{name: "EC2 not subscribed 3 times, then ready", regions: []string{"us-east-1", "eu-west-1"},
			answers: map[string][]fakeError{"ec2 us-east-1": {optIn, optIn, optIn}},
			// eu-west-1 answered on the first attempt and is not asked again
			want:     []string{"ec2 eu-west-1", "kms eu-west-1", "ec2 us-east-1", "ec2 us-east-1", "ec2 us-east-1", "ec2 us-east-1", "kms us-east-1", "s3 us-east-1"},
			wantRole: 4},
		{name: "S3 not signed up, KMS throttled, then ready", regions: []string{"eu-west-1"},
			answers: map[string][]fakeError{
				"s3 us-east-1":  {{http.StatusForbidden, "NotSignedUp", "Your account is not signed up for the Amazon S3 service."}},
				"kms eu-west-1": {{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"}, {http.StatusServiceUnavailable, "", ""}},
			},
			want:     []string{"ec2 eu-west-1", "kms eu-west-1", "kms eu-west-1", "kms eu-west-1", "kms us-east-1", "s3 us-east-1", "s3 us-east-1"},
			wantRole: 4},
		{name: "pending verification past the bound", regions: []string{"us-east-1"}, timeout: 300 * time.Millisecond,
			forever: map[string]fakeError{"ec2 us-east-1": {http.StatusForbidden, "PendingVerification", "Your account is pending verification."}},
			wantErr: []string{"account 210987654321 is not usable within 300ms through role " + testRole,
				"ec2:DescribeAvailabilityZones in us-east-1: the account is pending verification (PendingVerification: Your account is pending verification.)"}},
		{name: "EC2 denied fails at once", regions: []string{"us-east-1", "eu-west-1"},
			forever: map[string]fakeError{"ec2 eu-west-1": {http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization failure message: abc"}},
			wantErr: []string{"account 210987654321, role " + testRole + ": ec2:DescribeAvailabilityZones in eu-west-1 was refused with UnauthorizedOperation, which is no new account's wait",
				"the role needs ec2:DescribeAvailabilityZones in eu-west-1, and no service control policy on the account's OU or above may deny it",
				"aws sts decode-authorization-message"},
			want: []string{"ec2 eu-west-1"}, wantRole: 1},
		{name: "KMS denied by an SCP fails at once", regions: []string{"eu-west-1"},
			forever: map[string]fakeError{"kms eu-west-1": {http.StatusBadRequest, "AccessDeniedException",
				"User: arn:aws:sts::210987654321:assumed-role/infra-deployer/infra-account-ready is not authorized to perform: kms:ListKeys with an explicit deny in a service control policy"}},
			wantErr: []string{"kms:ListKeys in eu-west-1 was refused with AccessDeniedException", "with an explicit deny in a service control policy;",
				"the role needs kms:ListKeys in eu-west-1"},
			want: []string{"ec2 eu-west-1", "kms eu-west-1"}, wantRole: 1},
		{name: "opt-in region not enabled", regions: []string{"af-south-1"},
			forever: map[string]fakeError{"ec2 af-south-1": {http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials"}},
			wantErr: []string{"refused with AuthFailure", "if af-south-1 is an opt-in region, enable it for the account"},
			want:    []string{"ec2 af-south-1"}, wantRole: 1},
		{name: "a service that echoes the session's credentials", regions: []string{"us-east-1"},
			forever: map[string]fakeError{"ec2 us-east-1": echo},
			wantErr: []string{"Session [redacted] token [redacted] secret [redacted]"},
			want:    []string{"ec2 us-east-1"}, wantRole: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeAWS{account: testAccount, answers: tc.answers, forever: tc.forever}
			timeout := time.Minute // a refusal that were retried would hang here, not pass
			if tc.timeout > 0 {
				timeout = tc.timeout
			}
			useFakeAWS(t, fake, timeout)
			in := probeInputs(tc.regions...)
			out, err := accountReady(context.Background(), nil, in)
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, want %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("err = %v\nwant it to contain %q", err, w)
					}
				}
				noCredentialIn(t, err)
			} else if err != nil {
				t.Fatal(err)
			} else if !out.DeepEquals(in) {
				t.Errorf("outputs = %v, want the inputs", out)
			}
			if tc.want != nil && !slices.Equal(fake.calls, tc.want) {
				t.Errorf("service calls:\n got %q\nwant %q", fake.calls, tc.want)
			}
			if tc.wantRole > 0 && fake.assumeCalls != tc.wantRole {
				t.Errorf("AssumeRole calls = %d, want %d", fake.assumeCalls, tc.wantRole)
			}
			for i, k := range fake.serviceKeys {
				if k != fakeAssumedKey || fake.serviceTokens[i] != fakeAssumedToken {
					t.Errorf("%s signed with key %q and token %q, want the assumed session's", fake.calls[i], k, fake.serviceTokens[i])
				}
			}
		})
	}
}

// TestAccountReadyRegionsInput: regions must be a list of region names.
func TestAccountReadyRegionsInput(t *testing.T) {
	for _, v := range []resource.PropertyValue{
		resource.NewStringProperty("us-east-1"),
		resource.NewPropertyValue([]any{"us-east-1", ""}),
		resource.NewPropertyValue([]any{"us-east-1", 3.0}),
	} {
		in := probeInputs()
		in["regions"] = v
		_, err := accountReady(context.Background(), nil, in)
		if err == nil || !strings.Contains(err.Error(), "regions") {
			t.Errorf("regions = %v: err = %v, want it refused", v, err)
		}
	}
}

// TestErrorCode reads the three protocols' error shapes.
func TestErrorCode(t *testing.T) {
	for _, tc := range []struct {
		body, header, code, msg string
	}{
		{`<Response><Errors><Error><Code>OptInRequired</Code><Message>not subscribed</Message></Error></Errors><RequestID>r</RequestID></Response>`, "", "OptInRequired", "not subscribed"},
		{`<?xml version="1.0"?><Error><Code>NotSignedUp</Code><Message>sign up</Message><RequestId>r</RequestId></Error>`, "", "NotSignedUp", "sign up"},
		{`{"__type":"com.amazonaws.kms#AccessDeniedException","message":"no"}`, "", "AccessDeniedException", "no"},
		{`{"Message":"slow down"}`, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException", "slow down"},
		{``, "", "", ""},
	} {
		code, msg := errorCode([]byte(tc.body), tc.header)
		if code != tc.code || msg != tc.msg {
			t.Errorf("errorCode(%q, %q) = %q, %q; want %q, %q", tc.body, tc.header, code, msg, tc.code, tc.msg)
		}
	}
}
