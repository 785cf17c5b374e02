package awsjson_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
)

// fakePools implements DescribeUserPool only; everything else is unimplemented.
type fakePools struct {
	cognitoidp.Unimplemented
	fail error
}

func (f *fakePools) DescribeUserPool(ctx context.Context, in *cognitoidp.DescribeUserPoolRequest) (*cognitoidp.DescribeUserPoolResponse, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	info := awsjson.RequestInfoFrom(ctx)
	return &cognitoidp.DescribeUserPoolResponse{UserPool: &cognitoidp.UserPoolType{
		Id:           in.UserPoolId,
		Name:         &info.Region,
		CreationDate: awsjson.TimeOf(time.UnixMilli(1700000000123)),
	}}, nil
}

type result struct {
	status  int
	header  http.Header
	body    map[string]any
	rawBody string
}

func call(t *testing.T, h http.Handler, target, body string, hdr ...string) result {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("response is not JSON: %q", raw)
	}
	return result{rec.Code, rec.Header(), m, string(raw)}
}

func newRouter(impl cognitoidp.Service, undeclared *[]string) *awsjson.Router {
	n := 0
	return awsjson.NewRouter(awsjson.RouterOptions{
		Services:      []*awsjson.Service{cognitoidp.NewService(impl)},
		MaxBodyBytes:  4096,
		DefaultRegion: "eu-west-1",
		NewRequestID:  func() string { n++; return "req-" + string(rune('0'+n)) },
		OnUndeclaredError: func(_, op, code string) {
			if undeclared != nil {
				*undeclared = append(*undeclared, op+":"+code)
			}
		},
	})
}

func wantError(t *testing.T, r result, status int, typ, msg string) {
	t.Helper()
	if r.status != status || r.body["__type"] != typ || (msg != "" && r.body["message"] != msg) {
		t.Fatalf("got %d %s, want %d %s %q", r.status, r.rawBody, status, typ, msg)
	}
	if r.header.Get("X-Amzn-ErrorType") != typ {
		t.Fatalf("X-Amzn-ErrorType = %q, want %q", r.header.Get("X-Amzn-ErrorType"), typ)
	}
	if r.header.Get("x-amzn-RequestId") == "" {
		t.Fatal("missing x-amzn-RequestId")
	}
}

const target = "AWSCognitoIdentityProviderService."

func TestSuccessAndRegion(t *testing.T) {
	h := newRouter(&fakePools{}, nil)
	r := call(t, h, target+"DescribeUserPool", `{"UserPoolId":"eu-west-1_abc"}`)
	if r.status != 200 || r.header.Get("Content-Type") != awsjson.ContentType || r.header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("got %d %v %s", r.status, r.header, r.rawBody)
	}
	if !strings.Contains(r.rawBody, `"CreationDate":1700000000.123`) {
		t.Fatalf("timestamp not epoch seconds: %s", r.rawBody)
	}
	if got := r.body["UserPool"].(map[string]any)["Name"]; got != "eu-west-1" {
		t.Fatalf("default region = %v", got)
	}
	r = call(t, h, target+"DescribeUserPool", `{"UserPoolId":"ap-south-1_abc"}`,
		"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/ap-south-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=abc")
	if got := r.body["UserPool"].(map[string]any)["Name"]; got != "ap-south-1" {
		t.Fatalf("region from credential scope = %v", got)
	}
}

func TestProtocolErrors(t *testing.T) {
	h := newRouter(&fakePools{}, nil)
	wantError(t, call(t, h, "", `{}`), 400, "UnknownOperationException", "")
	wantError(t, call(t, h, target+"NoSuchOperation", `{}`), 400, "UnknownOperationException", "")
	wantError(t, call(t, h, "SomeOtherService.DescribeUserPool", `{}`), 400, "UnknownOperationException", "")
	wantError(t, call(t, h, target+"DescribeUserPool", `{not json`), 400, "SerializationException", "")
	wantError(t, call(t, h, target+"DescribeUserPool", `[1]`), 400, "SerializationException", "")
	wantError(t, call(t, h, target+"DescribeUserPool", `{"UserPoolId":{"a":1}}`), 400, "SerializationException",
		"Start of structure or map found where not expected.")
	wantError(t, call(t, h, target+"DescribeUserPool", `{"UserPoolId":["a"]}`), 400, "SerializationException",
		"Start of list found where not expected")
	wantError(t, call(t, h, target+"RespondToAuthChallenge", `{"ClientId":"c","ChallengeName":"SMS_MFA","ChallengeResponses":"x"}`), 400,
		"SerializationException", "Expected map or null")
	wantError(t, call(t, h, target+"ListUsers", `{"UserPoolId":"us-east-1_a","Limit":"10"}`), 400,
		"SerializationException", "STRING_VALUE can not be converted to an Integer")
	wantError(t, call(t, h, target+"DescribeUserPool", `{"UserPoolId":"`+strings.Repeat("a", 5000)+`"}`), 400, "SerializationException", "")
}

func TestValidationMessages(t *testing.T) {
	h := newRouter(&fakePools{}, nil)
	wantError(t, call(t, h, target+"ListUsers", `{}`), 400, "InvalidParameterException",
		"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null")
	wantError(t, call(t, h, target+"ListUsers", `{"UserPoolId":"us-east-1_a","Limit":61}`), 400, "InvalidParameterException",
		"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	wantError(t, call(t, h, target+"ListUsers", `{"UserPoolId":"bad","Limit":61}`), 400, "InvalidParameterException",
		"2 validation errors detected: Value 'bad' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+; "+
			"Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	// Sensitive values are not echoed.
	wantError(t, call(t, h, target+"SignUp", `{"ClientId":"abc","Username":"has space","Password":"Passw0rd!"}`), 400, "InvalidParameterException",
		"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	// Enum members and nested paths.
	r := call(t, h, target+"InitiateAuth", `{"ClientId":"abc","AuthFlow":"NOPE"}`)
	wantError(t, r, 400, "InvalidParameterException", "")
	if !strings.Contains(r.body["message"].(string), "Value 'NOPE' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [") {
		t.Fatalf("enum message: %s", r.body["message"])
	}
	r = call(t, h, target+"AdminCreateUser", `{"UserPoolId":"us-east-1_a","Username":"u","UserAttributes":[{"Name":"email","Value":"a"},{"Value":"b"}]}`)
	wantError(t, r, 400, "InvalidParameterException",
		"1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null")
	r = call(t, h, target+"CreateUserPoolClient", `{"UserPoolId":"us-east-1_a","ClientName":"c","ExplicitAuthFlows":["ALLOW_USER_SRP_AUTH","BOGUS"]}`)
	wantError(t, r, 400, "InvalidParameterException", "")
	if !strings.Contains(r.body["message"].(string), "Value '[ALLOW_USER_SRP_AUTH, BOGUS]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [") {
		t.Fatalf("list enum message: %s", r.body["message"])
	}
}

func TestNotImplementedAndInternal(t *testing.T) {
	var undeclared []string
	f := &fakePools{}
	h := newRouter(f, &undeclared)
	wantError(t, call(t, h, target+"AdminListUserAuthEvents", `{"UserPoolId":"us-east-1_a","Username":"u"}`), 400,
		"NotImplementedException", "Gognito does not implement AWSCognitoIdentityProviderService.AdminListUserAuthEvents yet.")
	f.fail = io.ErrUnexpectedEOF
	wantError(t, call(t, h, target+"DescribeUserPool", `{"UserPoolId":"us-east-1_a"}`), 500, "InternalErrorException", "An internal error occurred.")
	f.fail = cognitoidp.NewResourceNotFoundException("User pool us-east-1_a does not exist.")
	wantError(t, call(t, h, target+"DescribeUserPool", `{"UserPoolId":"us-east-1_a"}`), 400, "ResourceNotFoundException", "User pool us-east-1_a does not exist.")
	if len(undeclared) != 0 {
		t.Fatalf("declared error reported as undeclared: %v", undeclared)
	}
	f.fail = cognitoidp.NewUsernameExistsException("x")
	wantError(t, call(t, h, target+"DescribeUserPool", `{"UserPoolId":"us-east-1_a"}`), 400, "UsernameExistsException", "x")
	if len(undeclared) != 1 || undeclared[0] != "DescribeUserPool:UsernameExistsException" {
		t.Fatalf("undeclared = %v", undeclared)
	}
}

func TestTimeRoundTrip(t *testing.T) {
	for _, ms := range []int64{0, 1, 999, 1000, 1700000000123, -1500} {
		tm := awsjson.TimeOf(time.UnixMilli(ms))
		b, err := json.Marshal(tm)
		if err != nil {
			t.Fatal(err)
		}
		var back awsjson.Time
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.UnixMilli() != ms {
			t.Fatalf("%d -> %s -> %d", ms, b, back.UnixMilli())
		}
	}
	var v awsjson.Time
	if err := json.Unmarshal([]byte(`1.5E9`), &v); err != nil || v.Unix() != 1500000000 {
		t.Fatalf("scientific notation: %v %v", v, err)
	}
}
