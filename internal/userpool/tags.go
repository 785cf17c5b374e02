package userpool

import (
	"context"
	"maps"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/ids"
	"github.com/gognito/gognito/internal/store"
)

// maxTagsPerPool is Cognito's limit of tags on one user pool.
const maxTagsPerPool = 50

// taggedPool resolves a resource ARN to the ID of a pool of this account.
func (s *Service) taggedPool(arn string) (string, error) {
	_, account, poolID, ok := ids.ParseUserPoolARN(arn)
	if !ok || account != s.account {
		return "", api.NewResourceNotFoundException("The resource " + arn + " does not exist.")
	}
	return poolID, nil
}

// updateTags applies fn to the pool's tags atomically.
func (s *Service) updateTags(ctx context.Context, arn string, fn func(tags map[string]string) error) error {
	poolID, err := s.taggedPool(arn)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateUserPool(ctx, poolID, func(rec *store.UserPool) error {
		p, err := s.decodePool(*rec)
		if err != nil {
			return err
		}
		if p.UserPoolTags == nil {
			p.UserPoolTags = map[string]string{}
		}
		if err := fn(p.UserPoolTags); err != nil {
			return err
		}
		doc, err := encodePool(p, rec.Settings)
		if err != nil {
			return err
		}
		rec.Settings = doc
		return nil
	})
	return storeErr(err, func() error { return poolNotFound(poolID) })
}

// TagResource adds or replaces tags on a user pool.
func (s *Service) TagResource(ctx context.Context, in *api.TagResourceRequest) (*api.TagResourceResponse, error) {
	err := s.updateTags(ctx, *in.ResourceArn, func(tags map[string]string) error {
		maps.Copy(tags, in.Tags)
		if len(tags) > maxTagsPerPool {
			return invalidParameter("A user pool can have at most %d tags.", maxTagsPerPool)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.TagResourceResponse{}, nil
}

// UntagResource removes tags from a user pool.
func (s *Service) UntagResource(ctx context.Context, in *api.UntagResourceRequest) (*api.UntagResourceResponse, error) {
	err := s.updateTags(ctx, *in.ResourceArn, func(tags map[string]string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a user pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *api.ListTagsForResourceRequest) (*api.ListTagsForResourceResponse, error) {
	poolID, err := s.taggedPool(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	p, err := s.getPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	tags := p.UserPoolTags
	if tags == nil {
		tags = map[string]string{}
	}
	return &api.ListTagsForResourceResponse{Tags: tags}, nil
}
