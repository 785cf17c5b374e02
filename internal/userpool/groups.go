package userpool

import (
	"context"
	"fmt"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/store"
)

// Cognito's group quotas.
const (
	maxGroupsPerPool = 10000
	maxGroupsPerUser = 100
)

func groupNotFound() error { return api.NewResourceNotFoundException("Group not found.") }

func groupType(g store.Group) *api.GroupType {
	out := &api.GroupType{
		GroupName: ptr(g.Name), UserPoolId: ptr(g.PoolID), Precedence: g.Precedence,
		CreationDate: awsjson.TimeOf(g.CreatedAt), LastModifiedDate: awsjson.TimeOf(g.UpdatedAt),
	}
	if g.Description != "" {
		out.Description = ptr(g.Description)
	}
	if g.RoleArn != "" {
		out.RoleArn = ptr(g.RoleArn)
	}
	return out
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, in *api.CreateGroupRequest) (*api.CreateGroupResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountGroups(ctx, p.id())
	if err != nil {
		return nil, err
	}
	if n >= maxGroupsPerPool {
		return nil, api.NewLimitExceededException(fmt.Sprintf("The user pool has reached the limit of %d groups.", maxGroupsPerPool))
	}
	now := s.clock()
	g := store.Group{PoolID: p.id(), Name: *in.GroupName, Description: deref(in.Description), RoleArn: deref(in.RoleArn),
		Precedence: in.Precedence, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateGroup(ctx, g); err != nil {
		if _, ok := store.AsConflict(err); ok {
			return nil, api.NewGroupExistsException("A group with the name " + g.Name + " already exists.")
		}
		return nil, storeErr(err, func() error { return poolNotFound(p.id()) })
	}
	return &api.CreateGroupResponse{Group: groupType(g)}, nil
}

// GetGroup returns a group.
func (s *Service) GetGroup(ctx context.Context, in *api.GetGroupRequest) (*api.GetGroupResponse, error) {
	if _, err := s.loadPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	g, err := s.store.GetGroup(ctx, *in.UserPoolId, *in.GroupName)
	if err != nil {
		return nil, storeErr(err, groupNotFound)
	}
	return &api.GetGroupResponse{Group: groupType(g)}, nil
}

// UpdateGroup changes a group's description, role and precedence; members
// the request leaves out keep their values.
func (s *Service) UpdateGroup(ctx context.Context, in *api.UpdateGroupRequest) (*api.UpdateGroupResponse, error) {
	if _, err := s.loadPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	g, err := s.store.UpdateGroup(ctx, *in.UserPoolId, *in.GroupName, func(g *store.Group) error {
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = *in.RoleArn
		}
		if in.Precedence != nil {
			g.Precedence = in.Precedence
		}
		g.UpdatedAt = s.clock()
		return nil
	})
	if err != nil {
		return nil, storeErr(err, groupNotFound)
	}
	return &api.UpdateGroupResponse{Group: groupType(g)}, nil
}

// DeleteGroup deletes a group and its memberships.
func (s *Service) DeleteGroup(ctx context.Context, in *api.DeleteGroupRequest) (*api.DeleteGroupOutput, error) {
	if _, err := s.loadPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	if err := s.store.DeleteGroup(ctx, *in.UserPoolId, *in.GroupName); err != nil {
		return nil, storeErr(err, groupNotFound)
	}
	return &api.DeleteGroupOutput{}, nil
}

// ListGroups lists a pool's groups.
func (s *Service) ListGroups(ctx context.Context, in *api.ListGroupsRequest) (*api.ListGroupsResponse, error) {
	if _, err := s.loadPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	page, err := pageRequest(in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	groups, next, err := s.store.ListGroups(ctx, *in.UserPoolId, page)
	if err != nil {
		return nil, err
	}
	out := &api.ListGroupsResponse{Groups: []api.GroupType{}, NextToken: pageToken(next)}
	for _, g := range groups {
		out.Groups = append(out.Groups, *groupType(g))
	}
	return out, nil
}

// pageRequest turns a token and an optional limit (default 60) into a page.
func pageRequest(token *string, limit *int32) (store.PageRequest, error) {
	cursor, err := pageCursor(token)
	if err != nil {
		return store.PageRequest{}, err
	}
	n := 60
	if limit != nil && *limit > 0 {
		n = int(*limit)
	}
	return store.PageRequest{After: cursor, Limit: n}, nil
}

// membership resolves the pool, user and group of a membership operation.
func (s *Service) membership(ctx context.Context, poolID, username, group string) (poolView, store.User, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return poolView{}, store.User{}, err
	}
	if _, err := s.store.GetGroup(ctx, poolID, group); err != nil {
		return poolView{}, store.User{}, storeErr(err, groupNotFound)
	}
	u, err := s.findUser(ctx, p, username)
	return p, u, err
}

// AdminAddUserToGroup adds a user to a group.
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *api.AdminAddUserToGroupRequest) (*api.AdminAddUserToGroupOutput, error) {
	p, u, err := s.membership(ctx, *in.UserPoolId, *in.Username, *in.GroupName)
	if err != nil {
		return nil, err
	}
	groups, _, err := s.store.ListGroupsForUser(ctx, p.id(), u.Key, store.PageRequest{Limit: maxGroupsPerUser + 1})
	if err != nil {
		return nil, err
	}
	member := false
	for _, g := range groups {
		member = member || g.Name == *in.GroupName
	}
	if !member && len(groups) >= maxGroupsPerUser {
		return nil, api.NewLimitExceededException(fmt.Sprintf("A user can be a member of at most %d groups.", maxGroupsPerUser))
	}
	// Flag the user as a group member before the membership exists, so that
	// tokens never miss a group.
	if d, err := decodeUserData(&u); err != nil {
		return nil, err
	} else if d.InGroups == nil || !*d.InGroups {
		if _, err := s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
			d.InGroups = ptr(true)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if err := s.store.AddUserToGroup(ctx, p.id(), *in.GroupName, u.Key); err != nil {
		return nil, storeErr(err, userNotFound)
	}
	return &api.AdminAddUserToGroupOutput{}, nil
}

// AdminRemoveUserFromGroup removes a user from a group.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *api.AdminRemoveUserFromGroupRequest) (*api.AdminRemoveUserFromGroupOutput, error) {
	p, u, err := s.membership(ctx, *in.UserPoolId, *in.Username, *in.GroupName)
	if err != nil {
		return nil, err
	}
	if err := s.store.RemoveUserFromGroup(ctx, p.id(), *in.GroupName, u.Key); err != nil {
		return nil, storeErr(err, userNotFound)
	}
	return &api.AdminRemoveUserFromGroupOutput{}, nil
}

// AdminListGroupsForUser lists a user's groups.
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *api.AdminListGroupsForUserRequest) (*api.AdminListGroupsForUserResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	page, err := pageRequest(in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	groups, next, err := s.store.ListGroupsForUser(ctx, p.id(), u.Key, page)
	if err != nil {
		return nil, err
	}
	out := &api.AdminListGroupsForUserResponse{Groups: []api.GroupType{}, NextToken: pageToken(next)}
	for _, g := range groups {
		out.Groups = append(out.Groups, *groupType(g))
	}
	return out, nil
}

// ListUsersInGroup lists a group's users.
func (s *Service) ListUsersInGroup(ctx context.Context, in *api.ListUsersInGroupRequest) (*api.ListUsersInGroupResponse, error) {
	if _, err := s.loadPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	if _, err := s.store.GetGroup(ctx, *in.UserPoolId, *in.GroupName); err != nil {
		return nil, storeErr(err, groupNotFound)
	}
	page, err := pageRequest(in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	users, next, err := s.store.ListUsersInGroup(ctx, *in.UserPoolId, *in.GroupName, page)
	if err != nil {
		return nil, err
	}
	out := &api.ListUsersInGroupResponse{Users: []api.UserType{}, NextToken: pageToken(next)}
	for _, u := range users {
		out.Users = append(out.Users, userType(u, nil))
	}
	return out, nil
}
