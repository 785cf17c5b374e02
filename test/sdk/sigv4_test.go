package sdk

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/gognito/gognito/gognitotest"
)

// With credentials configured, IAM-authorized operations need a valid
// SigV4 signature; unauthenticated operations do not.
func TestSigV4Verification(t *testing.T) {
	t.Parallel()
	srv := gognitotest.Start(t, gognitotest.WithCredentials("AKIDPROD", "prod-secret"))
	good := envFor(t, srv, "us-east-1")
	good.idp = idp.New(idp.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: gognitotest.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDPROD", "prod-secret", "")})
	out, err := good.idp.CreateUserPool(good.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("signed")})
	ok(t, err)
	if got := aws.ToString(out.UserPool.Id); got[:10] != "us-west-2_" {
		t.Fatalf("pool %s not in the signed region", got)
	}
	wrongSecret := idp.New(idp.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: gognitotest.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDPROD", "not-the-secret", "")})
	_, err = wrongSecret.ListUserPools(good.ctx, &idp.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	apiErr(t, err, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	unknownKey := idp.New(idp.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: gognitotest.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDOTHER", "x", "")})
	_, err = unknownKey.ListUserPools(good.ctx, &idp.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	apiErr(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
	raw(t, srv.URL, "AWSCognitoIdentityProviderService.ListUserPools", `{"MaxResults":1}`).
		wantError(t, "MissingAuthenticationTokenException", "Missing Authentication Token")
	// An unauthenticated operation is not asked for a signature: it reaches
	// the operation (which answers about the client, not about signing).
	r := raw(t, srv.URL, "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc"}`)
	if r.body["__type"] == "MissingAuthenticationTokenException" {
		t.Fatalf("unauthenticated operation required a signature: %s", r.text)
	}
}
