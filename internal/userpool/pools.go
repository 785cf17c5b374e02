package userpool

import (
	"context"
	"fmt"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/store"
)

// maxUserPools is Cognito's default quota of user pools per account and region.
const maxUserPools = 1000

// CreateUserPool creates a pool with Cognito's defaults for every setting
// the request leaves out.
func (s *Service) CreateUserPool(ctx context.Context, in *api.CreateUserPoolRequest) (*api.CreateUserPoolResponse, error) {
	var p poolSettings
	if err := copyJSON(&p, in); err != nil {
		return nil, err
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	p.SchemaAttributes = schema
	applyPoolDefaults(&p)
	if err := checkPoolSettings(&p, nil); err != nil {
		return nil, err
	}
	n, err := s.store.CountUserPools(ctx)
	if err != nil {
		return nil, err
	}
	if n >= maxUserPools {
		return nil, api.NewLimitExceededException(fmt.Sprintf("The account already has the maximum of %d user pools.", maxUserPools))
	}
	doc, err := encodePool(&p, nil)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	rec := store.UserPool{ID: s.ids.UserPoolID(region(ctx)), Name: *in.PoolName, CreatedAt: now, UpdatedAt: now, Settings: doc}
	if err := s.store.CreateUserPool(ctx, rec); err != nil {
		return nil, err
	}
	out, err := s.decodePool(rec)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "user pool created", "pool", rec.ID)
	return &api.CreateUserPoolResponse{UserPool: out}, nil
}

// DescribeUserPool returns a pool.
func (s *Service) DescribeUserPool(ctx context.Context, in *api.DescribeUserPoolRequest) (*api.DescribeUserPoolResponse, error) {
	p, err := s.getPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountUsers(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	p.EstimatedNumberOfUsers = ptr(int32(n))
	return &api.DescribeUserPoolResponse{UserPool: p}, nil
}

// UpdateUserPool replaces a pool's settings. As in Cognito, every updatable
// setting the request leaves out returns to its default; the schema,
// username and alias attributes, username configuration, the name (unless
// given) and the tags (unless given) are kept.
func (s *Service) UpdateUserPool(ctx context.Context, in *api.UpdateUserPoolRequest) (*api.UpdateUserPoolResponse, error) {
	var fresh poolSettings
	if err := copyJSON(&fresh, in); err != nil {
		return nil, err
	}
	_, err := s.store.UpdateUserPool(ctx, *in.UserPoolId, func(rec *store.UserPool) error {
		old, err := s.decodePool(*rec)
		if err != nil {
			return err
		}
		p := fresh
		p.SchemaAttributes = old.SchemaAttributes
		p.AliasAttributes = old.AliasAttributes
		p.UsernameAttributes = old.UsernameAttributes
		p.UsernameConfiguration = old.UsernameConfiguration
		p.Domain, p.CustomDomain = old.Domain, old.CustomDomain
		if in.UserPoolTags == nil {
			p.UserPoolTags = old.UserPoolTags
		}
		if in.UserAttributeUpdateSettings == nil {
			p.UserAttributeUpdateSettings = old.UserAttributeUpdateSettings
		}
		applyPoolDefaults(&p)
		if err := checkPoolSettings(&p, mfaOf(rec.Settings)); err != nil {
			return err
		}
		doc, err := encodePool(&p, rec.Settings)
		if err != nil {
			return err
		}
		if in.PoolName != nil {
			rec.Name = *in.PoolName
		}
		rec.Settings = doc
		rec.UpdatedAt = s.clock()
		return nil
	})
	if err != nil {
		return nil, storeErr(err, func() error { return poolNotFound(*in.UserPoolId) })
	}
	return &api.UpdateUserPoolResponse{}, nil
}

// DeleteUserPool deletes a pool and everything in it, unless deletion
// protection is active.
func (s *Service) DeleteUserPool(ctx context.Context, in *api.DeleteUserPoolRequest) (*api.DeleteUserPoolOutput, error) {
	p, err := s.getPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if deref(p.DeletionProtection) == api.DeletionProtectionTypeActive {
		return nil, invalidParameter("The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	}
	if p.Domain != nil {
		return nil, invalidParameter("User pool cannot be deleted. It has a domain configured that should be deleted first.")
	}
	if err := s.store.DeleteUserPool(ctx, *p.Id); err != nil {
		return nil, storeErr(err, func() error { return poolNotFound(*in.UserPoolId) })
	}
	s.log.InfoContext(ctx, "user pool deleted", "pool", *p.Id)
	return &api.DeleteUserPoolOutput{}, nil
}

// ListUserPools lists pools, MaxResults at a time.
func (s *Service) ListUserPools(ctx context.Context, in *api.ListUserPoolsRequest) (*api.ListUserPoolsResponse, error) {
	page, err := pageRequest(in.NextToken, in.MaxResults) // MaxResults is required, 1-60
	if err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListUserPools(ctx, page)
	if err != nil {
		return nil, err
	}
	out := &api.ListUserPoolsResponse{UserPools: []api.UserPoolDescriptionType{}, NextToken: pageToken(next)}
	for _, rec := range recs {
		p, err := s.decodePool(rec)
		if err != nil {
			return nil, err
		}
		out.UserPools = append(out.UserPools, api.UserPoolDescriptionType{
			Id: p.Id, Name: p.Name, LambdaConfig: p.LambdaConfig,
			CreationDate: awsjson.TimeOf(rec.CreatedAt), LastModifiedDate: awsjson.TimeOf(rec.UpdatedAt),
		})
	}
	return out, nil
}
