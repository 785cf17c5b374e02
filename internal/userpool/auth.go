package userpool

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
)

// Sign-in lockout, as Cognito applies it: after maxFailedSignIns wrong
// passwords in a row the user is locked out for a delay that doubles with
// every further failure, up to lockoutMax.
const (
	maxFailedSignIns = 5
	lockoutBase      = time.Second
	lockoutMax       = 15 * time.Minute
)

// authStep is one request of a sign-in, from any of the four entry
// operations: which client, whether an administrator called, the caller's
// parameters.
type authStep struct {
	client appClient
	admin  bool
	params map[string]string
}

// authOutcome is the answer of a step: a challenge or tokens.
type authOutcome struct {
	challenge string
	params    map[string]string
	session   string
	result    *api.AuthenticationResultType
}

// defaultAuthFlows are a client's flows when ExplicitAuthFlows is empty.
var defaultAuthFlows = []api.ExplicitAuthFlowsType{
	api.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, api.ExplicitAuthFlowsTypeAllowUserSrpAuth, api.ExplicitAuthFlowsTypeAllowCustomAuth,
}

// flowEnabled reports whether the client allows an AuthFlow, honouring the
// legacy (non-ALLOW_) ExplicitAuthFlows values.
func flowEnabled(c *api.UserPoolClientType, flow api.AuthFlowType) bool {
	flows := c.ExplicitAuthFlows
	if len(flows) == 0 {
		flows = defaultAuthFlows
	}
	has := func(f api.ExplicitAuthFlowsType) bool { return slices.Contains(flows, f) }
	legacy := !strings.HasPrefix(string(flows[0]), "ALLOW_")
	switch flow {
	case api.AuthFlowTypeUserSrpAuth:
		return has(api.ExplicitAuthFlowsTypeAllowUserSrpAuth) || (legacy && !has(api.ExplicitAuthFlowsTypeCustomAuthFlowOnly))
	case api.AuthFlowTypeUserPasswordAuth:
		return has(api.ExplicitAuthFlowsTypeAllowUserPasswordAuth) || has(api.ExplicitAuthFlowsTypeUserPasswordAuth)
	case api.AuthFlowTypeAdminUserPasswordAuth, api.AuthFlowTypeAdminNoSrpAuth:
		return has(api.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth) || has(api.ExplicitAuthFlowsTypeAdminNoSrpAuth)
	case api.AuthFlowTypeRefreshTokenAuth, api.AuthFlowTypeRefreshToken:
		return has(api.ExplicitAuthFlowsTypeAllowRefreshTokenAuth) || legacy
	case api.AuthFlowTypeCustomAuth:
		return has(api.ExplicitAuthFlowsTypeAllowCustomAuth) || has(api.ExplicitAuthFlowsTypeCustomAuthFlowOnly)
	case api.AuthFlowTypeUserAuth:
		return has(api.ExplicitAuthFlowsTypeAllowUserAuth)
	}
	return false
}

func missingParam(name string) error {
	return invalidParameter("Missing required parameter %s", name)
}

func incorrectPassword() error {
	return api.NewNotAuthorizedException("Incorrect username or password.")
}

func flowNotImplemented(flow string) error {
	return awsjson.NotImplementedFeature("the " + flow + " flow")
}

// dummySalt salts the verifier computed for an unknown user's password.
var dummySalt [srp.SaltSize]byte

// InitiateAuth starts a sign-in for an app client.
func (s *Service) InitiateAuth(ctx context.Context, in *api.InitiateAuthRequest) (*api.InitiateAuthResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	switch *in.AuthFlow {
	case api.AuthFlowTypeAdminNoSrpAuth, api.AuthFlowTypeAdminUserPasswordAuth:
		return nil, invalidParameter("Initiate Auth method not supported.")
	}
	out, err := s.initiate(ctx, authStep{client: c, params: in.AuthParameters}, *in.AuthFlow)
	if err != nil {
		return nil, err
	}
	return &api.InitiateAuthResponse{ChallengeName: challengeName(out), ChallengeParameters: challengeParams(out),
		Session: sessionOut(out), AuthenticationResult: out.result}, nil
}

// AdminInitiateAuth starts a sign-in as an administrator (IAM).
func (s *Service) AdminInitiateAuth(ctx context.Context, in *api.AdminInitiateAuthRequest) (*api.AdminInitiateAuthResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.pool.id() != *in.UserPoolId {
		return nil, clientNotFound(*in.ClientId)
	}
	if *in.AuthFlow == api.AuthFlowTypeUserPasswordAuth {
		return nil, invalidParameter("Initiate Auth method not supported.")
	}
	out, err := s.initiate(ctx, authStep{client: c, admin: true, params: in.AuthParameters}, *in.AuthFlow)
	if err != nil {
		return nil, err
	}
	return &api.AdminInitiateAuthResponse{ChallengeName: challengeName(out), ChallengeParameters: challengeParams(out),
		Session: sessionOut(out), AuthenticationResult: out.result}, nil
}

// RespondToAuthChallenge answers a challenge for an app client.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *api.RespondToAuthChallengeRequest) (*api.RespondToAuthChallengeResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	out, err := s.respond(ctx, authStep{client: c, params: in.ChallengeResponses}, *in.ChallengeName, deref(in.Session))
	if err != nil {
		return nil, err
	}
	return &api.RespondToAuthChallengeResponse{ChallengeName: challengeName(out), ChallengeParameters: challengeParams(out),
		Session: sessionOut(out), AuthenticationResult: out.result}, nil
}

// AdminRespondToAuthChallenge answers a challenge as an administrator.
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *api.AdminRespondToAuthChallengeRequest) (*api.AdminRespondToAuthChallengeResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.pool.id() != *in.UserPoolId {
		return nil, clientNotFound(*in.ClientId)
	}
	out, err := s.respond(ctx, authStep{client: c, admin: true, params: in.ChallengeResponses}, *in.ChallengeName, deref(in.Session))
	if err != nil {
		return nil, err
	}
	return &api.AdminRespondToAuthChallengeResponse{ChallengeName: challengeName(out), ChallengeParameters: challengeParams(out),
		Session: sessionOut(out), AuthenticationResult: out.result}, nil
}

func challengeName(o authOutcome) *api.ChallengeNameType {
	if o.challenge == "" {
		return nil
	}
	return ptr(api.ChallengeNameType(o.challenge))
}

// challengeParams is {} on success, as Cognito answers.
func challengeParams(o authOutcome) map[string]string {
	if o.params == nil {
		return map[string]string{}
	}
	return o.params
}

func sessionOut(o authOutcome) *string {
	if o.session == "" {
		return nil
	}
	return &o.session
}

// initiate runs the first step of a flow: the shared checks (flow enabled,
// parameters, SECRET_HASH, user lookup) then the flow's own step.
func (s *Service) initiate(ctx context.Context, st authStep, flow api.AuthFlowType) (authOutcome, error) {
	if !flowEnabled(st.client.conf, flow) {
		return authOutcome{}, invalidParameter("%s flow not enabled for this client", flow)
	}
	switch flow {
	case api.AuthFlowTypeRefreshTokenAuth, api.AuthFlowTypeRefreshToken:
		return s.refreshFlow(ctx, st)
	case api.AuthFlowTypeCustomAuth, api.AuthFlowTypeUserAuth:
		return authOutcome{}, flowNotImplemented(string(flow))
	}
	username := st.params["USERNAME"]
	if username == "" {
		return authOutcome{}, missingParam("USERNAME")
	}
	if err := st.client.checkSecretHash(username, secretHashParam(st.params)); err != nil {
		return authOutcome{}, err
	}
	u, err := s.findUser(ctx, st.client.pool, username)
	notFound := isUserNotFound(err)
	if err != nil && !notFound {
		return authOutcome{}, err
	}
	switch flow {
	case api.AuthFlowTypeUserSrpAuth:
		if st.params["SRP_A"] == "" {
			return authOutcome{}, missingParam("SRP_A")
		}
		if notFound {
			if !st.client.hidesUsers() {
				return authOutcome{}, err
			}
			return s.fakeSRPChallenge(ctx, st, username)
		}
		return s.srpChallenge(ctx, st, u)
	default: // USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH
		password, has := st.params["PASSWORD"]
		if !has {
			return authOutcome{}, missingParam("PASSWORD")
		}
		if notFound {
			if st.client.hidesUsers() {
				// The verifier a known user's password check computes, so
				// that the answer takes as long.
				_ = srp.NewVerifier(poolName(st.client.pool.id()), username, password, dummySalt[:])
				return authOutcome{}, incorrectPassword()
			}
			return authOutcome{}, err
		}
		if err := s.checkPasswordAttempt(ctx, st.client.pool, u, func(d *userData) bool {
			return d.Password.matches(st.client.pool.id(), u.Username, password)
		}); err != nil {
			return authOutcome{}, err
		}
		return s.afterPassword(ctx, st, u, s.clock())
	}
}

func secretHashParam(params map[string]string) *string {
	if v, ok := params["SECRET_HASH"]; ok {
		return &v
	}
	return nil
}

// checkPasswordAttempt runs a password check under Cognito's lockout: a
// locked-out user is refused before checking, failures are counted, a
// success resets the count.
func (s *Service) checkPasswordAttempt(ctx context.Context, p poolView, u store.User, check func(d *userData) bool) error {
	d, err := decodeUserData(&u)
	if err != nil {
		return err
	}
	now := s.clock()
	if d.LockedUntil != nil && now.Before(*d.LockedUntil) {
		return api.NewNotAuthorizedException("Password attempts exceeded")
	}
	ok := d.Password != nil && check(&d)
	if ok && d.FailedSignIns == 0 {
		return nil
	}
	_, err = s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		if ok {
			d.FailedSignIns, d.LockedUntil = 0, nil
			return nil
		}
		d.FailedSignIns++
		if d.FailedSignIns >= maxFailedSignIns {
			delay := lockoutBase << min(d.FailedSignIns-maxFailedSignIns, 20)
			if delay > lockoutMax {
				delay = lockoutMax
			}
			until := now.Add(delay)
			d.LockedUntil = &until
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !ok {
		if d.FailedSignIns+1 >= maxFailedSignIns {
			return api.NewNotAuthorizedException("Password attempts exceeded")
		}
		return incorrectPassword()
	}
	return nil
}

// afterPassword runs once the password is proven: the user's status
// decides between an error, the NEW_PASSWORD_REQUIRED challenge and tokens.
func (s *Service) afterPassword(ctx context.Context, st authStep, u store.User, authTime time.Time) (authOutcome, error) {
	if !u.Enabled {
		return authOutcome{}, api.NewNotAuthorizedException("User is disabled.")
	}
	switch u.Status {
	case statusUnconfirmed:
		return authOutcome{}, api.NewUserNotConfirmedException("User is not confirmed.")
	case statusResetRequired:
		return authOutcome{}, api.NewPasswordResetRequiredException("Password reset required for the user")
	case statusForceChangePassword:
		d, err := decodeUserData(&u)
		if err != nil {
			return authOutcome{}, err
		}
		if d.Password != nil && d.Password.ExpiresAt != nil && s.clock().After(*d.Password.ExpiresAt) {
			return authOutcome{}, api.NewNotAuthorizedException("Temporary password has expired and must be reset by an administrator.")
		}
		return s.newPasswordChallenge(ctx, st, u, authTime)
	}
	dev, err := s.knownDevice(ctx, st.client.pool, u, st.params["DEVICE_KEY"])
	if err != nil {
		return authOutcome{}, err
	}
	if dev != nil && dev.Remembered && st.client.pool.remembersPastMFA() {
		// A remembered device proves itself instead of a second factor.
		return s.deviceChallenge(ctx, st, u, authTime, dev)
	}
	return s.secondFactor(ctx, st, u, authTime, dev)
}

// newPasswordChallenge asks a user with a temporary password for a new one
// and the required attributes it lacks.
func (s *Service) newPasswordChallenge(ctx context.Context, st authStep, u store.User, authTime time.Time) (authOutcome, error) {
	session := newSession()
	if err := s.openSession(ctx, st.client, u.Key, string(api.ChallengeNameTypeNewPasswordRequired), session,
		sessionData{Username: u.Username, AuthTime: &authTime, Admin: st.admin}); err != nil {
		return authOutcome{}, err
	}
	var required []string
	for _, def := range st.client.pool.SchemaAttributes {
		name := deref(def.Name)
		if deref(def.Required) && name != "sub" && attr(u, name) == "" {
			required = append(required, "userAttributes."+name)
		}
	}
	visible := map[string]string{}
	for _, a := range u.Attributes {
		if a.Name != "sub" && !strings.HasPrefix(a.Name, "dev:") {
			visible[a.Name] = a.Value
		}
	}
	reqJSON, _ := json.Marshal(nonNil(required))
	attrJSON, _ := json.Marshal(visible)
	return authOutcome{
		challenge: string(api.ChallengeNameTypeNewPasswordRequired),
		params: map[string]string{
			"USER_ID_FOR_SRP":    u.Username,
			"requiredAttributes": string(reqJSON),
			"userAttributes":     string(attrJSON),
		},
		session: session,
	}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// respond answers a challenge.
func (s *Service) respond(ctx context.Context, st authStep, challenge api.ChallengeNameType, session string) (authOutcome, error) {
	switch challenge {
	case api.ChallengeNameTypePasswordVerifier:
		return s.passwordVerifier(ctx, st)
	case api.ChallengeNameTypeNewPasswordRequired:
		return s.newPasswordRequired(ctx, st, session)
	case api.ChallengeNameTypeSmsMfa:
		return s.answerFactor(ctx, st, factorSMS, session, "SMS_MFA_CODE")
	case api.ChallengeNameTypeSoftwareTokenMfa:
		return s.answerFactor(ctx, st, factorTOTP, session, "SOFTWARE_TOKEN_MFA_CODE")
	case api.ChallengeNameTypeEmailOtp:
		return s.answerFactor(ctx, st, factorEmail, session, "EMAIL_OTP_CODE")
	case api.ChallengeNameTypeSelectMfaType:
		return s.selectMFAType(ctx, st, session)
	case api.ChallengeNameTypeMfaSetup:
		return s.finishSetup(ctx, st, session)
	case api.ChallengeNameTypeDeviceSrpAuth:
		return s.deviceSRPAuth(ctx, st, session)
	case api.ChallengeNameTypeDevicePasswordVerifier:
		return s.devicePasswordVerifier(ctx, st, session)
	}
	return authOutcome{}, awsjson.NotImplementedFeature(fmt.Sprintf("the %s challenge", challenge))
}

// newPasswordRequired completes NEW_PASSWORD_REQUIRED: the new password
// (policy checked), the required attributes, then tokens.
func (s *Service) newPasswordRequired(ctx context.Context, st authStep, session string) (authOutcome, error) {
	p := st.client.pool
	sess, d, err := s.takeSession(ctx, st.client, session, string(api.ChallengeNameTypeNewPasswordRequired))
	if err != nil {
		return authOutcome{}, err
	}
	if d.Admin != st.admin {
		return authOutcome{}, api.NewNotAuthorizedException("Invalid session for the user.")
	}
	username := st.params["USERNAME"]
	if username == "" {
		return authOutcome{}, missingParam("USERNAME")
	}
	if err := st.client.checkSecretHash(username, secretHashParam(st.params)); err != nil {
		return authOutcome{}, err
	}
	password := st.params["NEW_PASSWORD"]
	if password == "" {
		return authOutcome{}, missingParam("NEW_PASSWORD")
	}
	if err := checkPasswordWith(p, password, policyDoesNotConform); err != nil {
		return authOutcome{}, err
	}
	var attrs []api.AttributeType
	for k, v := range st.params {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			attrs = append(attrs, api.AttributeType{Name: ptr(name), Value: ptr(v)})
		}
	}
	slices.SortFunc(attrs, func(a, b api.AttributeType) int { return strings.Compare(*a.Name, *b.Name) })
	if err := checkAttributeWrites(p, attrs, writer{client: st.client.conf, admin: st.admin}, false); err != nil {
		return authOutcome{}, err
	}
	u, err := s.store.GetUser(ctx, p.id(), sess.UserKey)
	if err != nil {
		return authOutcome{}, storeErr(err, userNotFound)
	}
	u, err = s.updateUser(ctx, p, u, func(rec *store.User, ud *userData) error {
		applyAttributes(p, rec, attrs)
		if err := checkRequired(p, rec.Attributes); err != nil {
			return err
		}
		cred := newCredential(p.id(), rec.Username, password, s.clock())
		ud.Password = &cred
		rec.Status = statusConfirmed
		return nil
	})
	if err != nil {
		return authOutcome{}, err
	}
	authTime := s.clock()
	if d.AuthTime != nil {
		authTime = *d.AuthTime
	}
	return s.secondFactor(ctx, st, u, authTime, nil)
}
