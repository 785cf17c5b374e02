package sdk

import (
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func TestTagResource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("tags"), UserPoolTags: map[string]string{"a": "1"}})
	ok(t, err)
	arn := out.UserPool.Arn
	_, err = e.idp.TagResource(e.ctx, &idp.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2", "a": "3"}})
	ok(t, err)
	l, err := e.idp.ListTagsForResource(e.ctx, &idp.ListTagsForResourceInput{ResourceArn: arn})
	ok(t, err)
	if !maps.Equal(l.Tags, map[string]string{"a": "3", "b": "2"}) {
		t.Fatalf("tags %v", l.Tags)
	}
	_, err = e.idp.UntagResource(e.ctx, &idp.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"a", "missing"}})
	ok(t, err)
	d, err := e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: out.UserPool.Id})
	ok(t, err)
	if !maps.Equal(d.UserPool.UserPoolTags, map[string]string{"b": "2"}) {
		t.Fatalf("UserPoolTags after untag %v", d.UserPool.UserPoolTags)
	}
	many := map[string]string{}
	for i := range 50 {
		many["k"+string(rune('A'+i))] = "v"
	}
	_, err = e.idp.TagResource(e.ctx, &idp.TagResourceInput{ResourceArn: arn, Tags: many})
	apiErr(t, err, "InvalidParameterException", "")
	missing := "arn:aws:cognito-idp:us-east-1:" + e.srv.AccountID + ":userpool/us-east-1_nopool123"
	_, err = e.idp.ListTagsForResource(e.ctx, &idp.ListTagsForResourceInput{ResourceArn: &missing})
	apiErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nopool123 does not exist.")
}
