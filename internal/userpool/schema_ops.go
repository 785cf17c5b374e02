package userpool

import (
	"context"
	"strings"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// maxCustomAttributes is Cognito's limit of custom attributes per pool.
const maxCustomAttributes = 50

// AddCustomAttributes adds custom attributes to a pool's schema.
func (s *Service) AddCustomAttributes(ctx context.Context, in *api.AddCustomAttributesRequest) (*api.AddCustomAttributesResponse, error) {
	_, err := s.store.UpdateUserPool(ctx, *in.UserPoolId, func(rec *store.UserPool) error {
		p, err := s.decodePool(*rec)
		if err != nil {
			return err
		}
		custom := 0
		for _, a := range p.SchemaAttributes {
			if strings.Contains(deref(a.Name), "custom:") {
				custom++
			}
		}
		for _, r := range in.CustomAttributes {
			name := strings.TrimPrefix(deref(r.Name), "custom:")
			if isStandardAttribute(name) && !strings.HasPrefix(deref(r.Name), "custom:") {
				return invalidParameter("Existing attribute already has name %s.", name)
			}
			if schemaHas(p.SchemaAttributes, "custom:"+name) || schemaHas(p.SchemaAttributes, "dev:custom:"+name) {
				return invalidParameter("Existing attribute already has name custom:%s.", name)
			}
			a, err := customAttribute(r)
			if err != nil {
				return err
			}
			custom++
			if custom > maxCustomAttributes {
				return invalidParameter("A user pool can have at most %d custom attributes.", maxCustomAttributes)
			}
			p.SchemaAttributes = append(p.SchemaAttributes, a)
		}
		doc, err := encodePool(p, rec.Settings)
		if err != nil {
			return err
		}
		rec.Settings = doc
		rec.UpdatedAt = s.clock()
		return nil
	})
	if err != nil {
		return nil, storeErr(err, func() error { return poolNotFound(*in.UserPoolId) })
	}
	return &api.AddCustomAttributesResponse{}, nil
}

// GetCSVHeader returns the column header of a user import file: the
// schema's attributes (developer-only ones excluded) then
// cognito:mfa_enabled and cognito:username.
func (s *Service) GetCSVHeader(ctx context.Context, in *api.GetCSVHeaderRequest) (*api.GetCSVHeaderResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	header := []string{}
	for _, a := range p.SchemaAttributes {
		name := deref(a.Name)
		if name == "sub" || strings.HasPrefix(name, "dev:") {
			continue
		}
		header = append(header, name)
	}
	header = append(header, "cognito:mfa_enabled", "cognito:username")
	return &api.GetCSVHeaderResponse{UserPoolId: p.Id, CSVHeader: header}, nil
}
