package sdk

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/gognito/gognito/gognitotest"
)

// restartCheck writes a pool and a client through one server, stops it,
// starts another on the same storage and reads them back.
func restartCheck(t *testing.T, opt gognitotest.Option) {
	t.Helper()
	first := envFor(t, gognitotest.Start(t, opt), "us-east-1")
	pool, err := first.idp.CreateUserPool(first.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("durable"), UserPoolTags: map[string]string{"k": "v"}})
	ok(t, err)
	client, err := first.idp.CreateUserPoolClient(first.ctx, &idp.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("c"), GenerateSecret: true})
	ok(t, err)
	ok(t, first.srv.Close())

	second := envFor(t, gognitotest.Start(t, opt), "us-east-1")
	d, err := second.idp.DescribeUserPool(second.ctx, &idp.DescribeUserPoolInput{UserPoolId: pool.UserPool.Id})
	ok(t, err)
	if aws.ToString(d.UserPool.Name) != "durable" || d.UserPool.UserPoolTags["k"] != "v" || !d.UserPool.CreationDate.Equal(*pool.UserPool.CreationDate) {
		t.Fatalf("pool after restart: %+v", d.UserPool)
	}
	c, err := second.idp.DescribeUserPoolClient(second.ctx, &idp.DescribeUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientId: client.UserPoolClient.ClientId})
	ok(t, err)
	if aws.ToString(c.UserPoolClient.ClientSecret) != aws.ToString(client.UserPoolClient.ClientSecret) {
		t.Fatal("client secret changed across restart")
	}
}

func TestDataSurvivesRestartSQLite(t *testing.T) {
	t.Parallel()
	restartCheck(t, gognitotest.WithDataDir(t.TempDir()))
}

func TestDataSurvivesRestartPostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("GOGNITO_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("GOGNITO_TEST_POSTGRES_DSN not set")
	}
	restartCheck(t, gognitotest.WithDatabase(dsn))
}
