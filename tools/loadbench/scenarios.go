package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
)

// benchPassword is every bench user's password (it meets the default
// policy of both Gognito and Cognito).
const benchPassword = "Bench-Passw0rd!"

// env is what scenarios share: the SDK client, how the target is reached,
// and the sign-in fixture, made once by the first scenario that needs it.
type env struct {
	c *idp.Client
	// seed bulk-inserts users straight into the in-process server's store;
	// nil against an external endpoint, where scenarios seed through the
	// API instead.
	seed func(ctx context.Context, poolID string, users []store.User) error
	// poolUsers is the size of the ListUsersFilter pool; signers the
	// number of users the sign-in scenarios rotate through.
	poolUsers, signers int
	// tag makes this run's pool and user names unique.
	tag string

	authOnce sync.Once
	auth     *authFixture
	authErr  error
}

// bench is a prepared scenario: the operation each worker repeats and,
// for SignInSRP, the wall time its client-side SRP math took.
type bench struct {
	call       func(ctx context.Context) error
	clientMath *timeSum // nil but for SignInSRP
}

// timeSum adds up durations and counts them.
type timeSum struct{ ns, ops atomic.Int64 }

func (t *timeSum) add(d time.Duration) { t.ns.Add(int64(d)); t.ops.Add(1) }

// scenario prepares state once (through the SDK, or the store for bulk
// seeding in process) and returns the operation to repeat.
type scenario struct {
	name  string
	about string
	setup func(ctx context.Context, e *env) (bench, error)
}

var scenarios = []scenario{
	{"DescribeUserPool", "DescribeUserPool of one pool (1 request)", setupDescribe},
	{"SignInSRP", "USER_SRP_AUTH + PASSWORD_VERIFIER, client SRP math included (2 requests)", setupSRP},
	{"SignInPassword", "InitiateAuth USER_PASSWORD_AUTH (1 request)", setupPassword},
	{"Refresh", "InitiateAuth REFRESH_TOKEN_AUTH, one refresh token per user (1 request)", setupRefresh},
	{"GetUser", "GetUser with an access token, one per user (1 request)", setupGetUser},
	{"AdminCreateUser", "AdminCreateUser of a new username, MessageAction SUPPRESS (1 request)", setupAdminCreate},
	{"ListUsersFilter", "ListUsers email = one user, then email ^= prefix, Limit 60 (2 requests)", setupListUsers},
}

// newPool creates a pool whose users sign in with their username.
// UsernameAttributes is sent as an explicit empty list: cognito-local
// otherwise defaults to email usernames.
func (e *env) newPool(ctx context.Context, name string) (string, error) {
	out, err := e.c.CreateUserPool(ctx, &idp.CreateUserPoolInput{
		PoolName:           aws.String(name + "-" + e.tag),
		UsernameAttributes: []types.UsernameAttributeType{},
	})
	if err != nil {
		return "", fmt.Errorf("CreateUserPool: %w", err)
	}
	return *out.UserPool.Id, nil
}

func setupDescribe(ctx context.Context, e *env) (bench, error) {
	id, err := e.newPool(ctx, "describe")
	if err != nil {
		return bench{}, err
	}
	return bench{call: func(ctx context.Context) error {
		_, err := e.c.DescribeUserPool(ctx, &idp.DescribeUserPoolInput{UserPoolId: &id})
		return err
	}}, nil
}

// authFixture is a pool with an app client that allows the password, SRP
// and refresh flows, and e.signers confirmed users.
type authFixture struct {
	pool, client string
	users        []string
	next         atomic.Uint64
}

// user returns the next user, round robin over all operations of all
// workers, so that no single user's row (lockout counters, sessions)
// serialises the load.
func (a *authFixture) user() int { return int(a.next.Add(1) % uint64(len(a.users))) }

func (e *env) authFixture(ctx context.Context) (*authFixture, error) {
	e.authOnce.Do(func() { e.auth, e.authErr = e.makeAuthFixture(ctx) })
	return e.auth, e.authErr
}

func (e *env) makeAuthFixture(ctx context.Context) (*authFixture, error) {
	pool, err := e.newPool(ctx, "auth")
	if err != nil {
		return nil, err
	}
	cl, err := e.c.CreateUserPoolClient(ctx, &idp.CreateUserPoolClientInput{
		UserPoolId: &pool, ClientName: aws.String("loadbench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	a := &authFixture{pool: pool, client: *cl.UserPoolClient.ClientId}
	for i := range e.signers {
		name := fmt.Sprintf("signer%02d", i)
		_, err := e.c.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
			UserPoolId: &pool, Username: &name, MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
				{Name: aws.String("email_verified"), Value: aws.String("true")},
			},
		})
		if err != nil {
			return nil, fmt.Errorf("AdminCreateUser %s: %w", name, err)
		}
		_, err = e.c.AdminSetUserPassword(ctx, &idp.AdminSetUserPasswordInput{
			UserPoolId: &pool, Username: &name, Password: aws.String(benchPassword), Permanent: true,
		})
		if err != nil {
			return nil, fmt.Errorf("AdminSetUserPassword %s: %w", name, err)
		}
		a.users = append(a.users, name)
	}
	return a, nil
}

// passwordSignIn signs in with USER_PASSWORD_AUTH and returns the tokens.
func (e *env) passwordSignIn(ctx context.Context, a *authFixture, user string) (*types.AuthenticationResultType, error) {
	out, err := e.c.InitiateAuth(ctx, &idp.InitiateAuthInput{
		ClientId: &a.client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": benchPassword},
	})
	if err != nil {
		return nil, err
	}
	return tokensOf(out.AuthenticationResult, out.ChallengeName)
}

func tokensOf(r *types.AuthenticationResultType, challenge types.ChallengeNameType) (*types.AuthenticationResultType, error) {
	if r == nil || r.AccessToken == nil || r.IdToken == nil {
		return nil, fmt.Errorf("no tokens (challenge %q)", challenge)
	}
	return r, nil
}

func setupPassword(ctx context.Context, e *env) (bench, error) {
	a, err := e.authFixture(ctx)
	if err != nil {
		return bench{}, err
	}
	return bench{call: func(ctx context.Context) error {
		_, err := e.passwordSignIn(ctx, a, a.users[a.user()])
		return err
	}}, nil
}

func setupSRP(ctx context.Context, e *env) (bench, error) {
	a, err := e.authFixture(ctx)
	if err != nil {
		return bench{}, err
	}
	poolName := srp.PoolName(a.pool)
	clientMath := new(timeSum)
	call := func(ctx context.Context) error {
		user := a.users[a.user()]
		t0 := time.Now()
		cl, err := srp.NewClient(rand.Reader)
		if err != nil {
			return err
		}
		srpA := cl.AHex()
		spent := time.Since(t0)
		init, err := e.c.InitiateAuth(ctx, &idp.InitiateAuthInput{
			ClientId: &a.client, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": user, "SRP_A": srpA},
		})
		if err != nil {
			return err
		}
		if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			return fmt.Errorf("challenge %q, want PASSWORD_VERIFIER", init.ChallengeName)
		}
		cp := init.ChallengeParameters
		t1 := time.Now()
		ts := srp.FormatTimestamp(t1)
		sig, err := cl.PasswordClaim(poolName, cp["USER_ID_FOR_SRP"], benchPassword,
			srp.Challenge{SRPB: cp["SRP_B"], Salt: cp["SALT"], SecretBlock: cp["SECRET_BLOCK"]}, ts)
		if err != nil {
			return err
		}
		clientMath.add(spent + time.Since(t1))
		out, err := e.c.RespondToAuthChallenge(ctx, &idp.RespondToAuthChallengeInput{
			ClientId: &a.client, ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: init.Session,
			ChallengeResponses: map[string]string{
				"USERNAME": cp["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"],
				"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts,
			},
		})
		if err != nil {
			return err
		}
		_, err = tokensOf(out.AuthenticationResult, out.ChallengeName)
		return err
	}
	return bench{call: call, clientMath: clientMath}, nil
}

func setupRefresh(ctx context.Context, e *env) (bench, error) {
	a, err := e.authFixture(ctx)
	if err != nil {
		return bench{}, err
	}
	refresh := make([]string, len(a.users))
	for i, u := range a.users {
		r, err := e.passwordSignIn(ctx, a, u)
		if err != nil {
			return bench{}, fmt.Errorf("sign in %s: %w", u, err)
		}
		if r.RefreshToken == nil {
			return bench{}, errors.New("sign-in returned no refresh token")
		}
		refresh[i] = *r.RefreshToken
	}
	return bench{call: func(ctx context.Context) error {
		out, err := e.c.InitiateAuth(ctx, &idp.InitiateAuthInput{
			ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": refresh[a.user()]},
		})
		if err != nil {
			return err
		}
		_, err = tokensOf(out.AuthenticationResult, out.ChallengeName)
		return err
	}}, nil
}

func setupGetUser(ctx context.Context, e *env) (bench, error) {
	a, err := e.authFixture(ctx)
	if err != nil {
		return bench{}, err
	}
	access := make([]string, len(a.users))
	for i, u := range a.users {
		r, err := e.passwordSignIn(ctx, a, u)
		if err != nil {
			return bench{}, fmt.Errorf("sign in %s: %w", u, err)
		}
		access[i] = *r.AccessToken
	}
	return bench{call: func(ctx context.Context) error {
		i := a.user()
		out, err := e.c.GetUser(ctx, &idp.GetUserInput{AccessToken: &access[i]})
		if err != nil {
			return err
		}
		if out.Username == nil || *out.Username != a.users[i] {
			return fmt.Errorf("GetUser answered user %v, want %s", aws.ToString(out.Username), a.users[i])
		}
		return nil
	}}, nil
}

func setupAdminCreate(ctx context.Context, e *env) (bench, error) {
	pool, err := e.newPool(ctx, "create")
	if err != nil {
		return bench{}, err
	}
	var n atomic.Int64
	return bench{call: func(ctx context.Context) error {
		name := fmt.Sprintf("new%07d", n.Add(1))
		_, err := e.c.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
			UserPoolId: &pool, Username: &name, MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}},
		})
		return err
	}}, nil
}

// listUser names the i-th user of the ListUsersFilter pool: zero-padded
// to width digits, so that dropping the last two digits gives a prefix
// that 100 users share.
func listUser(i, width int) string { return fmt.Sprintf("lu%0*d", width, i) }

func setupListUsers(ctx context.Context, e *env) (bench, error) {
	if e.poolUsers < 100 {
		return bench{}, fmt.Errorf("-users %d: ListUsersFilter needs at least 100", e.poolUsers)
	}
	pool, err := e.newPool(ctx, "list")
	if err != nil {
		return bench{}, err
	}
	width := len(fmt.Sprint(e.poolUsers - 1))
	t0 := time.Now()
	if e.seed != nil {
		err = e.seedStore(ctx, pool, width)
	} else {
		err = e.seedAPI(ctx, pool, width)
	}
	if err != nil {
		return bench{}, fmt.Errorf("seeding %d users: %w", e.poolUsers, err)
	}
	progress("  seeded %d users in %v", e.poolUsers, time.Since(t0).Round(time.Millisecond))
	var next atomic.Uint64
	return bench{call: func(ctx context.Context) error {
		// A multiplicative walk spreads the lookups over the whole pool.
		i := int(next.Add(1) * 7919 % uint64(e.poolUsers))
		name := listUser(i, width)
		eq, err := e.c.ListUsers(ctx, &idp.ListUsersInput{
			UserPoolId: &pool, Filter: aws.String(`email = "` + name + `@example.com"`), Limit: aws.Int32(60),
		})
		if err != nil {
			return err
		}
		if len(eq.Users) != 1 {
			return fmt.Errorf("email = %s@example.com: %d users, want 1", name, len(eq.Users))
		}
		prefix := name[:len(name)-2]
		pre, err := e.c.ListUsers(ctx, &idp.ListUsersInput{
			UserPoolId: &pool, Filter: aws.String(`email ^= "` + prefix + `"`), Limit: aws.Int32(60),
		})
		if err != nil {
			return err
		}
		if len(pre.Users) == 0 {
			return fmt.Errorf("email ^= %s: no users", prefix)
		}
		return nil
	}}, nil
}

// seedStore bulk-inserts the ListUsersFilter pool through the store's
// seeding helper, as AdminCreateUser would have stored the users (no
// password: ListUsers does not need one).
func (e *env) seedStore(ctx context.Context, pool string, width int) error {
	now := time.Now().UTC()
	users := make([]store.User, e.poolUsers)
	for i := range users {
		name := listUser(i, width)
		sub := newUUID()
		users[i] = store.User{
			Key: name, Username: name, Sub: sub, Status: string(types.UserStatusTypeConfirmed), Enabled: true,
			Attributes: []store.Attribute{
				{Name: "sub", Value: sub},
				{Name: "email", Value: name + "@example.com"},
				{Name: "email_verified", Value: "true"},
				{Name: "given_name", Value: strings.ToUpper(name[:1]) + name[1:]},
				{Name: "family_name", Value: fmt.Sprintf("Family%03d", i%1000)},
			},
			CreatedAt: now, UpdatedAt: now,
		}
	}
	return e.seed(ctx, pool, users)
}

// seedAPI creates the ListUsersFilter pool's users with AdminCreateUser,
// from 8 workers.
func (e *env) seedAPI(ctx context.Context, pool string, width int) error {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= e.poolUsers {
					return
				}
				mu.Lock()
				failed := first != nil
				mu.Unlock()
				if failed {
					return
				}
				name := listUser(i, width)
				_, err := e.c.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
					UserPoolId: &pool, Username: &name, MessageAction: types.MessageActionTypeSuppress,
					UserAttributes: []types.AttributeType{
						{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
						{Name: aws.String("email_verified"), Value: aws.String("true")},
						{Name: aws.String("given_name"), Value: aws.String(strings.ToUpper(name[:1]) + name[1:])},
						{Name: aws.String("family_name"), Value: aws.String(fmt.Sprintf("Family%03d", i%1000))},
					},
				})
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("AdminCreateUser %s: %w", name, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
