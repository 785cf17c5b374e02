package userpool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
)

// poolKey is a decoded signing key.
type poolKey struct {
	id  string
	key *rsa.PrivateKey
}

// keyCache keeps decoded signing keys per pool: decoding a PKCS #8 RSA key
// costs more than signing with it.
type keyCache struct {
	mu    sync.Mutex
	pools map[string][]poolKey
}

// signingKeys returns the pool's keys, newest first, creating the first one
// on demand (a pool created before keys existed gets one on first use).
func (s *Service) signingKeys(ctx context.Context, poolID string) ([]poolKey, error) {
	s.keys.mu.Lock()
	cached := s.keys.pools[poolID]
	s.keys.mu.Unlock()
	if len(cached) > 0 {
		return cached, nil
	}
	recs, err := s.store.ListSigningKeys(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		if err := s.createSigningKey(ctx, poolID); err != nil && !errors.Is(err, store.ErrConflict) {
			return nil, err
		}
		if recs, err = s.store.ListSigningKeys(ctx, poolID); err != nil {
			return nil, err
		}
	}
	var out []poolKey
	for _, r := range recs {
		if !r.Active {
			continue
		}
		k, err := tokens.DecodePrivateKey(r.PrivateKey)
		if err != nil {
			return nil, err
		}
		out = append(out, poolKey{id: r.KeyID, key: k})
	}
	if len(out) == 0 {
		return nil, errors.New("pool " + poolID + " has no active signing key")
	}
	s.keys.mu.Lock()
	if s.keys.pools == nil {
		s.keys.pools = map[string][]poolKey{}
	}
	s.keys.pools[poolID] = out
	s.keys.mu.Unlock()
	return out, nil
}

// createSigningKey makes a new RSA key for the pool.
func (s *Service) createSigningKey(ctx context.Context, poolID string) error {
	k, err := tokens.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := tokens.EncodePrivateKey(k)
	if err != nil {
		return err
	}
	return s.store.CreateSigningKey(ctx, store.SigningKey{
		PoolID: poolID, KeyID: tokens.KeyID(&k.PublicKey), PrivateKey: der, CreatedAt: s.clock(), Active: true,
	})
}

// PublicKeys returns the pool's active public keys with their kids, for
// its JWKS.
func (s *Service) PublicKeys(ctx context.Context, poolID string) ([]tokens.PublicKey, error) {
	if _, err := s.getPool(ctx, poolID); err != nil {
		return nil, err
	}
	return s.verificationKeys(ctx, poolID)
}

// verificationKeys returns the public keys of a pool known to exist.
func (s *Service) verificationKeys(ctx context.Context, poolID string) ([]tokens.PublicKey, error) {
	keys, err := s.signingKeys(ctx, poolID)
	if err != nil {
		return nil, err
	}
	out := make([]tokens.PublicKey, len(keys))
	for i, k := range keys {
		out[i] = tokens.PublicKey{KeyID: k.id, Key: &k.key.PublicKey}
	}
	return out, nil
}

// Issuer returns the iss of the pool's tokens: Cognito's own URL form when
// configured so, else this server's public URL and the pool ID.
func (s *Service) Issuer(ctx context.Context, poolID string) string {
	if s.cognitoIssuer {
		region, _, _ := strings.Cut(poolID, "_")
		return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
	}
	return s.baseURL(ctx) + "/" + poolID
}

// groupClaims returns the user's groups ordered by precedence (then name),
// their role ARNs and the preferred role (the lowest precedence's).
func (s *Service) groupClaims(ctx context.Context, poolID string, u store.User) (groups, roles []string, preferred string, err error) {
	if d, err := decodeUserData(&u); err == nil && d.InGroups != nil && !*d.InGroups {
		return nil, nil, "", nil // never added to a group
	}
	list, _, err := s.store.ListGroupsForUser(ctx, poolID, u.Key, store.PageRequest{Limit: maxGroupsPerUser})
	if err != nil {
		return nil, nil, "", err
	}
	prec := func(g store.Group) int64 {
		if g.Precedence == nil {
			return 1 << 40
		}
		return int64(*g.Precedence)
	}
	slices.SortStableFunc(list, func(a, b store.Group) int {
		if d := prec(a) - prec(b); d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, g := range list {
		groups = append(groups, g.Name)
		if g.RoleArn != "" {
			if preferred == "" {
				preferred = g.RoleArn
			}
			if !slices.Contains(roles, g.RoleArn) {
				roles = append(roles, g.RoleArn)
			}
		}
	}
	return groups, roles, preferred, nil
}

// signedIn finishes a sign-in: a new refresh-token family and the first
// ID and access tokens.
func (s *Service) signedIn(ctx context.Context, c appClient, u store.User, authTime time.Time, deviceKey string) (authOutcome, error) {
	var meta *api.NewDeviceMetadataType
	if deviceKey == "" && c.pool.tracksDevices() {
		dev, err := s.newDevice(ctx, c.pool, u)
		if err != nil {
			return authOutcome{}, err
		}
		deviceKey = dev.Key
		meta = &api.NewDeviceMetadataType{DeviceKey: ptr(dev.Key), DeviceGroupKey: ptr(dev.GroupKey)}
	}
	_, _, refreshLife := TokenLifetimes(c.conf)
	value, hash := tokens.NewRefreshToken(rand.Reader)
	now := s.clock()
	family := s.ids.UUID()
	err := s.store.CreateRefreshToken(ctx, store.RefreshToken{
		Hash: hash, PoolID: c.pool.id(), ClientID: c.rec.ID, UserKey: u.Key, Family: family, DeviceKey: deviceKey,
		AuthTime: authTime, CreatedAt: now, ExpiresAt: now.Add(time.Duration(refreshLife) * time.Second),
	})
	if err != nil {
		return authOutcome{}, err
	}
	res, err := s.issueTokens(ctx, c, u, authTime, family, deviceKey)
	if err != nil {
		return authOutcome{}, err
	}
	res.RefreshToken = &value
	res.NewDeviceMetadata = meta
	return authOutcome{result: res}, nil
}

// issueTokens signs an ID and an access token of the family.
func (s *Service) issueTokens(ctx context.Context, c appClient, u store.User, authTime time.Time, family, deviceKey string) (*api.AuthenticationResultType, error) {
	keys, err := s.signingKeys(ctx, c.pool.id())
	if err != nil {
		return nil, err
	}
	groups, roles, preferred, err := s.groupClaims(ctx, c.pool.id(), u)
	if err != nil {
		return nil, err
	}
	accessLife, idLife, _ := TokenLifetimes(c.conf)
	now := s.clock()
	in := tokens.Input{
		Issuer: s.Issuer(ctx, c.pool.id()), ClientID: c.rec.ID, Sub: u.Sub, Username: u.Username,
		Groups: groups, Roles: roles, PreferredRole: preferred,
		AuthTime: authTime, Now: now, OriginJTI: family, EventID: s.ids.UUID(), DeviceKey: deviceKey,
	}
	for _, a := range u.Attributes {
		if a.Name != "sub" && readableBy(c.conf)(a.Name) {
			in.Attributes = append(in.Attributes, tokens.Attribute{Name: a.Name, Value: a.Value})
		}
	}
	idIn := in
	idIn.JTI, idIn.Lifetime = s.ids.UUID(), time.Duration(idLife)*time.Second
	accessIn := in
	accessIn.JTI, accessIn.Lifetime = s.ids.UUID(), time.Duration(accessLife)*time.Second
	idToken, err := tokens.Sign(keys[0].key, keys[0].id, tokens.BuildID(idIn))
	if err != nil {
		return nil, err
	}
	accessToken, err := tokens.Sign(keys[0].key, keys[0].id, tokens.BuildAccess(accessIn))
	if err != nil {
		return nil, err
	}
	return &api.AuthenticationResultType{
		AccessToken: &accessToken, IdToken: &idToken, TokenType: ptr("Bearer"), ExpiresIn: ptr(int32(accessLife)),
	}, nil
}

// refreshFlow answers REFRESH_TOKEN_AUTH: new ID and access tokens of the
// same family; no new refresh token unless the client rotates them.
func (s *Service) refreshFlow(ctx context.Context, st authStep) (authOutcome, error) {
	value := st.params["REFRESH_TOKEN"]
	if value == "" {
		return authOutcome{}, missingParam("REFRESH_TOKEN")
	}
	rt, u, err := s.useRefreshToken(ctx, st.client, value)
	if err != nil {
		return authOutcome{}, err
	}
	if st.client.rec.Secret != "" {
		given := secretHashParam(st.params)
		if err := st.client.checkSecretHash(u.Username, given); err != nil {
			if err2 := st.client.checkSecretHash(u.Sub, given); err2 != nil {
				return authOutcome{}, err
			}
		}
	}
	return s.refreshWith(ctx, st.client, rt, u, st.params["DEVICE_KEY"])
}

// refreshWith issues the tokens of a refresh token useRefreshToken checked
// (u is the user it loaded); deviceKey is the DEVICE_KEY the caller gave.
func (s *Service) refreshWith(ctx context.Context, c appClient, rt store.RefreshToken, u store.User, deviceKey string) (authOutcome, error) {
	if deviceKey != "" && rt.DeviceKey != "" && deviceKey != rt.DeviceKey {
		return authOutcome{}, api.NewNotAuthorizedException("Invalid Refresh Token.")
	}
	res, err := s.issueTokens(ctx, c, u, rt.AuthTime, rt.Family, rt.DeviceKey)
	if err != nil {
		return authOutcome{}, err
	}
	if rotates(c.conf) {
		next, err := s.rotateRefreshToken(ctx, rt)
		if err != nil {
			return authOutcome{}, err
		}
		res.RefreshToken = &next
	}
	return authOutcome{result: res}, nil
}

// useRefreshToken checks a refresh token presented by client: known,
// issued to this client, unexpired, not revoked (nor replaced beyond the
// rotation grace period), and its user still enabled.
func (s *Service) useRefreshToken(ctx context.Context, c appClient, value string) (store.RefreshToken, store.User, error) {
	invalid := func() error { return api.NewNotAuthorizedException("Invalid Refresh Token.") }
	rt, err := s.store.GetRefreshToken(ctx, tokens.HashToken(value))
	if err != nil {
		return rt, store.User{}, storeErr(err, invalid)
	}
	now := s.clock()
	switch {
	case rt.ClientID != c.rec.ID || rt.PoolID != c.pool.id():
		return rt, store.User{}, invalid()
	case rt.RevokedAt != nil:
		return rt, store.User{}, api.NewNotAuthorizedException("Refresh Token has been revoked")
	case now.After(rt.ExpiresAt):
		return rt, store.User{}, api.NewNotAuthorizedException("Refresh Token has expired")
	case rt.ReplacedAt != nil && now.After(rt.ReplacedAt.Add(rotationGrace(c.conf))):
		return rt, store.User{}, invalid()
	}
	u, err := s.store.GetUser(ctx, c.pool.id(), rt.UserKey)
	if err != nil {
		return rt, u, storeErr(err, invalid)
	}
	if !u.Enabled {
		return rt, u, api.NewNotAuthorizedException("User is disabled.")
	}
	d, err := decodeUserData(&u)
	if err != nil {
		return rt, u, err
	}
	// A global sign-out revokes the user's refresh tokens (RevokedAt above);
	// this also refuses one created before it that escaped the revocation (a
	// rotation racing the sign-out). One created at the sign-out's own
	// instant comes from a sign-in after it: those before were revoked.
	if d.SignedOutAt != nil && rt.CreatedAt.Before(*d.SignedOutAt) {
		return rt, u, api.NewNotAuthorizedException("Refresh Token has been revoked")
	}
	return rt, u, nil
}

// rotates reports whether the client rotates refresh tokens.
func rotates(c *api.UserPoolClientType) bool {
	return c.RefreshTokenRotation != nil && deref(c.RefreshTokenRotation.Feature) == api.FeatureTypeEnabled
}

func rotationGrace(c *api.UserPoolClientType) time.Duration {
	if c.RefreshTokenRotation == nil || c.RefreshTokenRotation.RetryGracePeriodSeconds == nil {
		return 0
	}
	return time.Duration(*c.RefreshTokenRotation.RetryGracePeriodSeconds) * time.Second
}

// rotateRefreshToken issues the next refresh token of the family and marks
// the presented one replaced.
func (s *Service) rotateRefreshToken(ctx context.Context, rt store.RefreshToken) (string, error) {
	value, hash := tokens.NewRefreshToken(rand.Reader)
	now := s.clock()
	next := rt
	next.Hash, next.CreatedAt, next.ReplacedAt, next.RevokedAt = hash, now, nil, nil
	if err := s.store.CreateRefreshToken(ctx, next); err != nil {
		return "", err
	}
	if err := s.store.MarkRefreshTokenReplaced(ctx, rt.Hash, now); err != nil {
		return "", err
	}
	return value, nil
}
