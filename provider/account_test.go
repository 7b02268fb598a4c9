package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// fakeSTS answers AssumeRole and GetCallerIdentity in STS's query protocol
// (STS API Reference: AssumeRole, GetCallerIdentity; errors are an
// ErrorResponse document). AssumeRole fails its first assumeFailures calls
// with AccessDenied (a role Organizations has not finished creating), and
// GetCallerIdentity its first identityFailures calls; identityFailures < 0
// fails every call. It records which access key signed each identity call.
type fakeSTS struct {
	mu                               sync.Mutex
	assumeFailures, identityFailures int
	assumeCalls, identityCalls       int
	account                          string
	identityKeys                     []string
}

const (
	fakeAssumedKey    = "ASIAFAKEASSUMEDKEY01"
	fakeAssumedSecret = "fake-assumed-secret-never-logged"
)

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
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
<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>fake-token</SessionToken><Expiration>2100-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>%s/%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			fakeAssumedKey, fakeAssumedSecret, r.Form.Get("RoleArn"), r.Form.Get("RoleSessionName"), r.Form.Get("RoleSessionName"))
	case "GetCallerIdentity":
		f.identityCalls++
		// Authorization: AWS4-HMAC-SHA256 Credential=KEY/date/region/sts/aws4_request, ...
		key, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="), "/")
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

// TestAccountReadyRetries: the probe waits out a role that is not yet
// assumable and a session STS does not yet accept, calls GetCallerIdentity
// with the assumed credentials (not the caller's), and gives up after the
// bound with an error that names the account and the role and holds no
// credential.
func TestAccountReadyRetries(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAFAKECALLERKEY001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-caller-secret-never-logged")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	defer func(timeout, wait time.Duration, endpoint string) {
		AccountReadyTimeout, AccountReadyFirstWait, accountReadyEndpoint = timeout, wait, endpoint
	}(AccountReadyTimeout, AccountReadyFirstWait, accountReadyEndpoint)
	AccountReadyFirstWait = time.Millisecond

	const id, role = "210987654321", "arn:aws:iam::210987654321:role/infra-deployer"
	for _, tc := range []struct {
		name                             string
		assumeFailures, identityFailures int
		wrongAccount                     bool
		timeout                          time.Duration
		wantErr                          string
		wantAssume, wantIdentity         int
	}{
		{name: "usable at once", wantAssume: 1, wantIdentity: 1},
		{name: "role assumable after 3 refusals", assumeFailures: 3, wantAssume: 4, wantIdentity: 1},
		{name: "session accepted after 2 refusals", identityFailures: 2, wantAssume: 3, wantIdentity: 3},
		{name: "both", assumeFailures: 2, identityFailures: 1, wantAssume: 4, wantIdentity: 2},
		{name: "never assumable", assumeFailures: 1 << 30, timeout: 500 * time.Millisecond,
			wantErr: "account 210987654321 is not usable: role arn:aws:iam::210987654321:role/infra-deployer could not be assumed and used within 500ms: sts:AssumeRole"},
		{name: "never accepted", identityFailures: -1, timeout: 500 * time.Millisecond,
			wantErr: "account 210987654321 is not usable: role arn:aws:iam::210987654321:role/infra-deployer could not be assumed and used within 500ms: sts:GetCallerIdentity in the account"},
		{name: "another account", wrongAccount: true, timeout: 500 * time.Millisecond,
			wantErr: `the role's session is in account "999999999999", not 210987654321`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeSTS{assumeFailures: tc.assumeFailures, identityFailures: tc.identityFailures, account: id}
			if tc.wrongAccount {
				fake.account = "999999999999"
			}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			accountReadyEndpoint = srv.URL
			AccountReadyTimeout = time.Minute
			if tc.timeout > 0 {
				AccountReadyTimeout = tc.timeout
			}
			in := resource.PropertyMap{
				"accountId": resource.NewStringProperty(id),
				"roleArn":   resource.NewStringProperty(role),
				"region":    resource.NewStringProperty("us-east-1"),
			}
			out, err := accountReady(context.Background(), nil, in)
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				for _, secret := range []string{fakeAssumedSecret, "fake-caller-secret-never-logged", "fake-token"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("the error holds a credential: %v", err)
					}
				}
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
