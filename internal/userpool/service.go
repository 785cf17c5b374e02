package userpool

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/ids"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/secretbox"
	"github.com/gognito/gognito/internal/store"
)

// Options configures a Service.
type Options struct {
	Store     store.Store
	IDs       *ids.Generator
	Now       func() time.Time
	AccountID string
	Logger    *slog.Logger
	// Sender delivers verification codes, invitations and reset codes.
	Sender messaging.Sender
	// PublicURL is the base URL of links in messages (confirmation links)
	// and of token issuers; empty means http:// and the host the request
	// addressed.
	PublicURL string
	// CognitoIssuer makes tokens carry Cognito's own issuer
	// (https://cognito-idp.<region>.amazonaws.com/<poolId>), so that
	// verifier code written for Cognito accepts them unchanged.
	CognitoIssuer bool
	// Secrets seals secrets kept at rest (TOTP keys); nil keeps them in
	// clear (development).
	Secrets *secretbox.Box
}

// Service implements the User Pools operations. Operations it does not
// implement yet answer the not-implemented error through the embedded base.
type Service struct {
	api.Unimplemented
	store   store.Store
	ids     *ids.Generator
	now     func() time.Time
	account string
	log     *slog.Logger
	sender  messaging.Sender
	public  string

	cognitoIssuer bool
	keys          keyCache
	decoded       decodeCache
	secrets       *secretbox.Box
}

var _ api.Service = (*Service)(nil)

// New returns a Service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.IDs == nil {
		o.IDs = ids.New(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Secrets == nil {
		o.Secrets, _ = secretbox.New(nil)
	}
	return &Service{store: o.Store, ids: o.IDs, now: o.Now, account: o.AccountID, log: o.Logger, sender: o.Sender, public: strings.TrimRight(o.PublicURL, "/"), cognitoIssuer: o.CognitoIssuer, secrets: o.Secrets}
}

// clock returns the current time at the millisecond precision the wire keeps.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// poolARN returns the ARN of a pool; the region is the prefix of its ID.
func (s *Service) poolARN(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return ids.UserPoolARN(region, s.account, poolID)
}

// Errors shared by many operations, with Cognito's wording.

func poolNotFound(id string) error {
	return api.NewResourceNotFoundException(fmt.Sprintf("User pool %s does not exist.", id))
}

func clientNotFound(id string) error {
	return api.NewResourceNotFoundException(fmt.Sprintf("User pool client %s does not exist.", id))
}

func invalidParameter(format string, args ...any) error {
	return api.NewInvalidParameterException(fmt.Sprintf(format, args...))
}

// storeErr maps a storage error to the wire error of the addressed resource;
// any other error passes through and becomes an InternalErrorException.
func storeErr(err error, notFound func() error) error {
	if errors.Is(err, store.ErrNotFound) && notFound != nil {
		return notFound()
	}
	return err
}

// pageToken encodes a store cursor as an opaque pagination token.
func pageToken(cursor string) *string {
	if cursor == "" {
		return nil
	}
	t := base64.RawURLEncoding.EncodeToString([]byte("v1:" + cursor))
	return &t
}

// pageCursor decodes a pagination token.
func pageCursor(token *string) (string, error) {
	if token == nil || *token == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*token)
	if err != nil || !strings.HasPrefix(string(raw), "v1:") {
		return "", invalidParameter("Invalid pagination token.")
	}
	return strings.TrimPrefix(string(raw), "v1:"), nil
}

// copyJSON copies the members src and dst have in common (by JSON name).
// Request and resource shapes of the model share member names, so this is
// how request settings become stored settings without a hand-kept list.
func copyJSON(dst, src any) error {
	b, err := json.Marshal(src)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// BaseURL is the base of URLs back to this server: the configured public
// URL, else http:// and the host the request addressed.
func (s *Service) BaseURL(ctx context.Context) string { return s.baseURL(ctx) }

// baseURL is the base of links back to this server.
func (s *Service) baseURL(ctx context.Context) string {
	if s.public != "" {
		return s.public
	}
	if h := awsjson.RequestInfoFrom(ctx).Host; h != "" {
		return "http://" + h
	}
	return "http://127.0.0.1:9229"
}

// region returns the region of the current request.
func region(ctx context.Context) string {
	if r := awsjson.RequestInfoFrom(ctx).Region; r != "" {
		return r
	}
	return "us-east-1"
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
