package sdk

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	for _, u := range []string{"nina", "omar"} {
		_, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String(u), MessageAction: types.MessageActionTypeSuppress})
		ok(t, err)
	}
	role := "arn:aws:iam::123456789012:role/admins"
	out, err := e.idp.CreateGroup(e.ctx, &idp.CreateGroupInput{UserPoolId: &pool, GroupName: aws.String("admins"), Description: aws.String("Admins"), RoleArn: &role, Precedence: aws.Int32(1)})
	ok(t, err)
	if g := out.Group; aws.ToString(g.GroupName) != "admins" || aws.ToString(g.RoleArn) != role || aws.ToInt32(g.Precedence) != 1 || g.CreationDate == nil || aws.ToString(g.UserPoolId) != pool {
		t.Fatalf("group %+v", g)
	}
	_, err = e.idp.CreateGroup(e.ctx, &idp.CreateGroupInput{UserPoolId: &pool, GroupName: aws.String("admins")})
	apiErr(t, err, "GroupExistsException", "")
	for _, name := range []string{"b-team", "c-team"} {
		_, err = e.idp.CreateGroup(e.ctx, &idp.CreateGroupInput{UserPoolId: &pool, GroupName: aws.String(name)})
		ok(t, err)
	}
	up, err := e.idp.UpdateGroup(e.ctx, &idp.UpdateGroupInput{UserPoolId: &pool, GroupName: aws.String("admins"), Description: aws.String("Administrators")})
	ok(t, err)
	if aws.ToString(up.Group.Description) != "Administrators" || aws.ToString(up.Group.RoleArn) != role {
		t.Fatalf("update %+v", up.Group)
	}
	var listed []string
	p := idp.NewListGroupsPaginator(e.idp, &idp.ListGroupsInput{UserPoolId: &pool, Limit: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		ok(t, err)
		for _, g := range page.Groups {
			listed = append(listed, aws.ToString(g.GroupName))
		}
	}
	if len(listed) != 3 {
		t.Fatalf("ListGroups %v", listed)
	}
	for _, u := range []string{"nina", "omar"} {
		_, err = e.idp.AdminAddUserToGroup(e.ctx, &idp.AdminAddUserToGroupInput{UserPoolId: &pool, Username: aws.String(u), GroupName: aws.String("admins")})
		ok(t, err)
	}
	_, err = e.idp.AdminAddUserToGroup(e.ctx, &idp.AdminAddUserToGroupInput{UserPoolId: &pool, Username: aws.String("nina"), GroupName: aws.String("b-team")})
	ok(t, err)
	fu, err := e.idp.AdminListGroupsForUser(e.ctx, &idp.AdminListGroupsForUserInput{UserPoolId: &pool, Username: aws.String("nina")})
	ok(t, err)
	if len(fu.Groups) != 2 {
		t.Fatalf("groups for nina %+v", fu.Groups)
	}
	in, err := e.idp.ListUsersInGroup(e.ctx, &idp.ListUsersInGroupInput{UserPoolId: &pool, GroupName: aws.String("admins")})
	ok(t, err)
	if len(in.Users) != 2 || aws.ToString(in.Users[0].Username) != "nina" {
		t.Fatalf("users in admins %+v", in.Users)
	}
	_, err = e.idp.AdminRemoveUserFromGroup(e.ctx, &idp.AdminRemoveUserFromGroupInput{UserPoolId: &pool, Username: aws.String("omar"), GroupName: aws.String("admins")})
	ok(t, err)
	in, err = e.idp.ListUsersInGroup(e.ctx, &idp.ListUsersInGroupInput{UserPoolId: &pool, GroupName: aws.String("admins")})
	ok(t, err)
	if len(in.Users) != 1 {
		t.Fatalf("after removal %+v", in.Users)
	}
	_, err = e.idp.AdminAddUserToGroup(e.ctx, &idp.AdminAddUserToGroupInput{UserPoolId: &pool, Username: aws.String("nina"), GroupName: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = e.idp.AdminAddUserToGroup(e.ctx, &idp.AdminAddUserToGroupInput{UserPoolId: &pool, Username: aws.String("nobody"), GroupName: aws.String("admins")})
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.idp.DeleteGroup(e.ctx, &idp.DeleteGroupInput{UserPoolId: &pool, GroupName: aws.String("admins")})
	ok(t, err)
	_, err = e.idp.GetGroup(e.ctx, &idp.GetGroupInput{UserPoolId: &pool, GroupName: aws.String("admins")})
	apiErr(t, err, "ResourceNotFoundException", "Group not found.")
	fu, err = e.idp.AdminListGroupsForUser(e.ctx, &idp.AdminListGroupsForUserInput{UserPoolId: &pool, Username: aws.String("nina")})
	ok(t, err)
	if len(fu.Groups) != 1 || aws.ToString(fu.Groups[0].GroupName) != "b-team" {
		t.Fatalf("membership not removed with the group: %+v", fu.Groups)
	}
}

func TestCustomAttributesAndCSVHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	_, err := e.idp.AddCustomAttributes(e.ctx, &idp.AddCustomAttributesInput{UserPoolId: &pool, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
	}})
	ok(t, err)
	_, err = e.idp.AddCustomAttributes(e.ctx, &idp.AddCustomAttributesInput{UserPoolId: &pool, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
	}})
	apiErr(t, err, "InvalidParameterException", "Existing attribute already has name custom:plan.")
	h, err := e.idp.GetCSVHeader(e.ctx, &idp.GetCSVHeaderInput{UserPoolId: &pool})
	ok(t, err)
	last := h.CSVHeader[len(h.CSVHeader)-3:]
	if h.CSVHeader[0] != "name" || last[0] != "custom:plan" || last[1] != "cognito:mfa_enabled" || last[2] != "cognito:username" {
		t.Fatalf("CSV header %v", h.CSVHeader)
	}
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("pat"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("custom:plan"), Value: aws.String("pro")}}})
	ok(t, err)
}
