package userpool

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/mfa"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
)

// maxMFAAttempts is how many wrong codes one MFA challenge accepts.
const maxMFAAttempts = 3

// availableFactors returns the factors the user can be challenged with:
// those enabled, or when the pool requires MFA and the user enabled none,
// the ones the pool can deliver without setup (SMS, then email).
func availableFactors(p poolView, u store.User, d userData) (factors []string, setup bool) {
	mode := deref(p.MfaConfiguration)
	if mode == api.UserPoolMfaTypeOff || mode == "" {
		return nil, false
	}
	factors = d.MFA.enabledFactors()
	if len(factors) > 0 || mode != api.UserPoolMfaTypeOn {
		return factors, false
	}
	if p.mfa.SMS != nil && attr(u, "phone_number") != "" {
		return []string{factorSMS}, false
	}
	if p.mfa.Email != nil && attr(u, "email") != "" {
		return []string{factorEmail}, false
	}
	return nil, p.mfa.SoftwareToken
}

// secondFactor decides what follows a proven password: tokens, an MFA
// challenge, factor selection or MFA setup. A remembered device skips MFA.
func (s *Service) secondFactor(ctx context.Context, st authStep, u store.User, authTime time.Time, dev *store.Device) (authOutcome, error) {
	d, err := decodeUserData(&u)
	if err != nil {
		return authOutcome{}, err
	}
	factors, setup := availableFactors(st.client.pool, u, d)
	base := sessionData{Username: u.Username, AuthTime: &authTime, Admin: st.admin}
	if dev != nil {
		base.DeviceKey = dev.Key
	}
	switch {
	case setup:
		return s.challenge(ctx, st, u, "MFA_SETUP", base, map[string]string{"MFAS_CAN_SETUP": `["SOFTWARE_TOKEN_MFA"]`})
	case len(factors) == 0:
		if deref(st.client.pool.MfaConfiguration) == api.UserPoolMfaTypeOn {
			return authOutcome{}, api.NewMFAMethodNotFoundException("No MFA mechanism registered in the account.")
		}
		return s.afterSecondFactor(ctx, st, u, authTime, dev, "")
	case d.MFA.Preferred != "" && slices.Contains(factors, d.MFA.Preferred):
		return s.factorChallenge(ctx, st, u, d.MFA.Preferred, base)
	case len(factors) == 1:
		return s.factorChallenge(ctx, st, u, factors[0], base)
	}
	choices, _ := json.Marshal(factors)
	return s.challenge(ctx, st, u, "SELECT_MFA_TYPE", base, map[string]string{"MFAS_CAN_CHOOSE": string(choices)})
}

// challenge opens a session for the next challenge and returns it.
func (s *Service) challenge(ctx context.Context, st authStep, u store.User, name string, data sessionData, params map[string]string) (authOutcome, error) {
	return s.challengeAs(ctx, st, u, name, newSession(), data, params)
}

// challengeAs is challenge under a given session string: the one the
// client already holds, when a step continues the same sign-in session.
func (s *Service) challengeAs(ctx context.Context, st authStep, u store.User, name, session string, data sessionData, params map[string]string) (authOutcome, error) {
	if err := s.openSession(ctx, st.client, u.Key, name, session, data); err != nil {
		return authOutcome{}, err
	}
	if params == nil {
		params = map[string]string{}
	}
	params["USER_ID_FOR_SRP"] = u.Username
	return authOutcome{challenge: name, params: params, session: session}, nil
}

// factorChallenge issues the challenge of one factor, sending the code of
// SMS and email factors.
func (s *Service) factorChallenge(ctx context.Context, st authStep, u store.User, factor string, data sessionData) (authOutcome, error) {
	p := st.client.pool
	switch factor {
	case factorTOTP:
		return s.challenge(ctx, st, u, factorTOTP, data, nil)
	case factorSMS, factorEmail:
		code, stored := s.newCode(sessionTTL(st.client), "")
		data.Code = &stored
		msg := messaging.Message{PoolID: p.id(), Username: u.Username, Kind: messaging.KindAuthentication}
		var params map[string]string
		if factor == factorSMS {
			dest := attr(u, "phone_number")
			tmpl := messaging.DefaultSMSAuthenticationMessage
			if p.mfa.SMS != nil && p.mfa.SMS.SmsAuthenticationMessage != nil {
				tmpl = *p.mfa.SMS.SmsAuthenticationMessage
			} else if p.SmsAuthenticationMessage != nil {
				tmpl = *p.SmsAuthenticationMessage
			}
			msg.Channel, msg.To, msg.Body = messaging.ChannelSMS, dest, messaging.Render(tmpl, messaging.Vars{Code: code, Username: u.Username})
			params = map[string]string{"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": maskPhone(dest)}
		} else {
			dest := attr(u, "email")
			subject, body := messaging.DefaultEmailMFASubject, messaging.DefaultEmailMFAMessage
			if e := p.mfa.Email; e != nil {
				subject, body = orDefault(e.Subject, subject), orDefault(e.Message, body)
			}
			msg.Channel, msg.To, msg.Subject = messaging.ChannelEmail, dest, subject
			msg.Body = messaging.Render(body, messaging.Vars{Code: code, Username: u.Username})
			params = map[string]string{"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": maskEmail(dest)}
		}
		if err := s.send(ctx, msg); err != nil {
			return authOutcome{}, err
		}
		return s.challenge(ctx, st, u, factor, data, params)
	}
	return authOutcome{}, invalidParameter("Unknown MFA type %s.", factor)
}

// answerFactor checks the code of an MFA challenge; a wrong code keeps the
// session open for another try, up to maxMFAAttempts.
func (s *Service) answerFactor(ctx context.Context, st authStep, factor, session, param string) (authOutcome, error) {
	sess, d, err := s.takeSession(ctx, st.client, session, factor)
	if err != nil {
		return authOutcome{}, err
	}
	code := st.params[param]
	if code == "" {
		return authOutcome{}, missingParam(param)
	}
	if err := st.client.checkSecretHash(st.params["USERNAME"], secretHashParam(st.params)); err != nil {
		return authOutcome{}, err
	}
	p := st.client.pool
	u, err := s.store.GetUser(ctx, p.id(), sess.UserKey)
	if err != nil {
		return authOutcome{}, storeErr(err, userNotFound)
	}
	ok := false
	if factor == factorTOTP {
		_, err = s.updateUser(ctx, p, u, func(rec *store.User, ud *userData) error {
			secret, err := s.secrets.Open(ud.MFA.TOTPSecret, totpContext(p, *rec))
			if err != nil {
				return err
			}
			step, good := mfa.Verify(secret, code, s.clock(), ud.MFA.TOTPLastStep)
			if good {
				ud.MFA.TOTPLastStep, ok = step, true
			}
			return nil
		})
		if err != nil {
			return authOutcome{}, err
		}
	} else {
		ok = d.Code != nil && d.Code.matches(code)
	}
	if !ok {
		d.Attempts++
		if d.Attempts < maxMFAAttempts {
			if err := s.reopen(ctx, sess, session, d); err != nil {
				return authOutcome{}, err
			}
		}
		return authOutcome{}, api.NewCodeMismatchException("Invalid code received for user")
	}
	return s.finishMFA(ctx, st, u, d, session)
}

// reopen stores a session again under the same key (another try).
func (s *Service) reopen(ctx context.Context, sess store.AuthSession, key string, d sessionData) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	sess.Data = raw
	sess.Hash = tokens.HashToken(key)
	return s.store.CreateAuthSession(ctx, sess)
}

// finishMFA goes on once the second factor is proven; session is the
// session string of the answered challenge.
func (s *Service) finishMFA(ctx context.Context, st authStep, u store.User, d sessionData, session string) (authOutcome, error) {
	authTime := s.clock()
	if d.AuthTime != nil {
		authTime = *d.AuthTime
	}
	dev, err := s.knownDevice(ctx, st.client.pool, u, d.DeviceKey)
	if err != nil {
		return authOutcome{}, err
	}
	return s.afterSecondFactor(ctx, st, u, authTime, dev, session)
}

// afterSecondFactor ends a sign-in whose factors are proven: a known device
// still proves itself with DEVICE_SRP_AUTH (as Cognito asks after MFA),
// otherwise tokens. The device challenge continues the session the client
// holds (session; "" for a new one): clients answer it with the session of
// the MFA step. dev is the known device the sign-in comes from (nil for
// none), as knownDevice returned it.
func (s *Service) afterSecondFactor(ctx context.Context, st authStep, u store.User, authTime time.Time, dev *store.Device, session string) (authOutcome, error) {
	if dev != nil {
		if session == "" {
			session = newSession()
		}
		data := sessionData{Username: u.Username, AuthTime: &authTime, Admin: st.admin, DeviceKey: dev.Key}
		return s.challengeAs(ctx, st, u, string(api.ChallengeNameTypeDeviceSrpAuth), session, data, map[string]string{})
	}
	return s.signedIn(ctx, st.client, u, authTime, "")
}

// selectMFAType answers SELECT_MFA_TYPE: the chosen factor's challenge.
func (s *Service) selectMFAType(ctx context.Context, st authStep, session string) (authOutcome, error) {
	sess, d, err := s.takeSession(ctx, st.client, session, "SELECT_MFA_TYPE")
	if err != nil {
		return authOutcome{}, err
	}
	answer := st.params["ANSWER"]
	u, err := s.store.GetUser(ctx, st.client.pool.id(), sess.UserKey)
	if err != nil {
		return authOutcome{}, storeErr(err, userNotFound)
	}
	ud, err := decodeUserData(&u)
	if err != nil {
		return authOutcome{}, err
	}
	if !slices.Contains(ud.MFA.enabledFactors(), answer) {
		return authOutcome{}, invalidParameter("Invalid MFA type %s.", answer)
	}
	d.Attempts = 0
	return s.factorChallenge(ctx, st, u, answer, d)
}

// mfaSetup is an MFA_SETUP session taken by AssociateSoftwareToken or
// VerifySoftwareToken, to be put back for the next step.
type mfaSetup struct {
	client appClient
	sess   store.AuthSession
	data   sessionData
	key    string // the session string the caller holds
}

// takeSetupSession consumes an MFA_SETUP session given to the software
// token operations.
func (s *Service) takeSetupSession(ctx context.Context, session string) (*mfaSetup, error) {
	sess, err := s.store.TakeAuthSession(ctx, tokens.HashToken(session))
	if err != nil || sess.Challenge != "MFA_SETUP" || s.clock().After(sess.ExpiresAt) {
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		return nil, api.NewNotAuthorizedException("Invalid session for the user, session is expired.")
	}
	c, err := s.loadClient(ctx, sess.ClientID)
	if err != nil {
		return nil, err
	}
	var d sessionData
	if err := json.Unmarshal(sess.Data, &d); err != nil {
		return nil, err
	}
	return &mfaSetup{client: c, sess: sess, data: d, key: session}, nil
}

// restoreSetupSession puts the MFA_SETUP state back under the session
// string the caller holds, so that it can try again.
func (s *Service) restoreSetupSession(ctx context.Context, m *mfaSetup) error {
	return s.reopen(ctx, m.sess, m.key, m.data)
}

// reopenSetupSession stores the MFA_SETUP state under a new session string.
func (s *Service) reopenSetupSession(ctx context.Context, m *mfaSetup) (string, error) {
	next := newSession()
	raw, err := json.Marshal(m.data)
	if err != nil {
		return "", err
	}
	sess := m.sess
	sess.Hash, sess.Data = tokens.HashToken(next), raw
	sess.ExpiresAt = s.clock().Add(sessionTTL(m.client))
	return next, s.store.CreateAuthSession(ctx, sess)
}

// finishSetup answers MFA_SETUP once VerifySoftwareToken succeeded.
func (s *Service) finishSetup(ctx context.Context, st authStep, session string) (authOutcome, error) {
	sess, d, err := s.takeSession(ctx, st.client, session, "MFA_SETUP")
	if err != nil {
		return authOutcome{}, err
	}
	u, err := s.store.GetUser(ctx, st.client.pool.id(), sess.UserKey)
	if err != nil {
		return authOutcome{}, storeErr(err, userNotFound)
	}
	ud, err := decodeUserData(&u)
	if err != nil {
		return authOutcome{}, err
	}
	if !ud.MFA.TOTPEnabled {
		return authOutcome{}, api.NewInvalidParameterException("MFA setup is not complete: verify a software token first.")
	}
	return s.finishMFA(ctx, st, u, d, session)
}
