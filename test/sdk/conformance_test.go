package sdk

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/gognitotest"
	cognitoidentityapi "github.com/gognito/gognito/internal/api/cognitoidentity"
	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
)

// TestEveryOperationAnswers calls every operation of both models with an
// empty body and with a minimal body, and checks that each answers 200 or a
// 4xx whose __type the model declares for it (or the validation error, or
// the not-implemented error naming the operation) — never 404 or 500.
func TestEveryOperationAnswers(t *testing.T) {
	t.Parallel()
	var undeclared []string
	srv := gognitotest.Start(t, gognitotest.WithUndeclaredErrorHandler(func(service, op, code string) {
		undeclared = append(undeclared, service+"."+op+" "+code)
	}))
	services := []struct {
		prefix string
		svc    *awsjson.Service
		names  []string
	}{
		{api.TargetPrefix, api.NewService(api.Unimplemented{}), api.OperationNames()},
		{cognitoidentityapi.TargetPrefix, cognitoidentityapi.NewService(cognitoidentityapi.Unimplemented{}), cognitoidentityapi.OperationNames()},
	}
	total, implemented := 0, 0
	for _, s := range services {
		for _, name := range s.names {
			op := s.svc.Operations[name]
			for _, body := range []string{`{}`, `{"UserPoolId":"us-east-1_nopool123","ClientId":"c","MaxResults":1}`} {
				total++
				r := raw(t, srv.URL, s.prefix+"."+name, body)
				if r.status == 200 {
					implemented++
					continue
				}
				code, _ := r.body["__type"].(string)
				if r.status != 400 {
					t.Errorf("%s.%s: status %d %s", s.prefix, name, r.status, r.text)
					continue
				}
				switch {
				case code == awsjson.CodeNotImplemented:
					if !strings.Contains(r.body["message"].(string), name) {
						t.Errorf("%s: not-implemented message does not name the operation: %s", name, r.text)
					}
				case code == "InvalidParameterException", op.Declares(code):
					implemented++
				default:
					t.Errorf("%s.%s answered %s, which its model does not declare", s.prefix, name, code)
				}
			}
		}
	}
	if total != 2*(140+23) {
		t.Fatalf("%d calls, want %d (140 + 23 operations, two bodies each)", total, 2*(140+23))
	}
	if len(undeclared) > 0 {
		t.Fatalf("undeclared errors: %v", undeclared)
	}
	t.Logf("%d calls; %d answered by an implementation", total, implemented)
}

func TestIdentityPoolsServiceIsRouted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.ci.ListIdentityPools(e.ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != awsjson.CodeNotImplemented || !strings.Contains(ae.ErrorMessage(), "AWSCognitoIdentityService.ListIdentityPools") {
		t.Fatalf("want the not-implemented error naming the operation, got %v", err)
	}
}

func TestProtocolErrorsOverHTTP(t *testing.T) {
	t.Parallel()
	srv := gognitotest.Start(t)
	raw(t, srv.URL, "AWSCognitoIdentityProviderService.Nope", `{}`).wantError(t, "UnknownOperationException", "")
	raw(t, srv.URL, "", `{}`).wantError(t, "UnknownOperationException", "")
	raw(t, srv.URL, "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":`).wantError(t, "SerializationException", "")
	raw(t, srv.URL, "AWSCognitoIdentityProviderService.ConfirmForgotPassword", `{"ClientId":"c","Username":"u","ConfirmationCode":{},"Password":"p"}`).
		wantError(t, "SerializationException", "Start of structure or map found where not expected.")
	raw(t, srv.URL, "AWSCognitoIdentityService.GetId", `{"IdentityPoolId":"us-east-1:x","Logins":[]}`).
		wantError(t, "SerializationException", "Start of list found where not expected")
	raw(t, srv.URL, "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":"`+strings.Repeat("x", 2<<20)+`"}`).
		wantError(t, "SerializationException", "")
}
